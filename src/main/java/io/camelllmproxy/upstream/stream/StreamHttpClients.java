package io.camelllmproxy.upstream.stream;

import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.impl.ContextInternal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streaming clients, one pair per event loop: a request must be made with a client of the Vert.x that owns
 * the calling context, or Vert.x runs its handlers on a context of its own rather than on the client's event loop;
 * and a pool shared by several loops hands a request a connection another loop made, whose every chunk (and every
 * pause and resume) then crosses to the request's loop. With a client per loop, a stream's provider connection,
 * its client's connection and the route relaying between them share one thread. Of each pair, the pooled client carries every first attempt; the fresh one opens a new connection for each
 * request and keeps none, so a resend after a provider's idle close ({@link StaleConnectionResend}) can never meet
 * another stale pooled connection.
 * <p>
 * The clients never log what they carry (Vert.x's activity logging stays off), follow no redirect, and leave a
 * compressed body compressed: the gateway relays a provider's bytes as they came.
 */
final class StreamHttpClients {

    /** The two clients of one event loop. */
    record Clients(HttpClient pooled, HttpClient fresh) {
    }

    private final StreamHttpSettings settings;
    private final Map<EventLoop, Clients> clients = new ConcurrentHashMap<>();
    // connections that have carried a request: a failure on one of them may be a provider's idle close
    private final Map<HttpConnection, Boolean> used = Collections.synchronizedMap(new WeakHashMap<>());

    StreamHttpClients(StreamHttpSettings settings) {
        this.settings = settings;
    }

    /** The clients for calls made on {@code context}'s event loop, made on first use. */
    Clients of(ContextInternal context) {
        return clients.computeIfAbsent(context.nettyEventLoop(), loop -> create(context.owner()));
    }

    /** Whether {@code connection} carried a request before this one; records that it now has. */
    boolean reused(HttpConnection connection) {
        return connection != null && used.put(connection, Boolean.TRUE) != null;
    }

    /** Closes every client; their connections close with them. */
    void close() {
        List<Future<Void>> closing = new ArrayList<>();
        clients.values().forEach(pair -> {
            closing.add(pair.pooled().close());
            closing.add(pair.fresh().close());
        });
        clients.clear();
        // a Vert.x already closed has closed its clients too: nothing to wait for
        closing.forEach(f -> f.onFailure(e -> { }));
    }

    private Clients create(Vertx vertx) {
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeoutMillis()))
                .setKeepAlive(true)
                .setDecompressionSupported(false)
                .setVerifyHost(true)
                .setLogActivity(false)
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setMaxInitialLineLength(settings.maxHeaderLineBytes());
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(settings.maxConnectionsPerHost());
        HttpClient pooled = vertx.createHttpClient(options, pool);
        HttpClient fresh = vertx.createHttpClient(new HttpClientOptions(options).setKeepAlive(false),
                new PoolOptions(pool));
        return new Clients(pooled, fresh);
    }
}
