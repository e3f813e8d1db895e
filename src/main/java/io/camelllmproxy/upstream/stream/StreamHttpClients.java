package io.camelllmproxy.upstream.stream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streaming clients, one pair per Vert.x instance: a request must be made with a client of the Vert.x that
 * owns the calling context, or Vert.x runs its handlers on a context of its own rather than on the client's event
 * loop. Of each pair, the pooled client carries every first attempt; the fresh one opens a new connection for each
 * request and keeps none, so a resend after a provider's idle close ({@link StaleConnectionResend}) can never meet
 * another stale pooled connection.
 * <p>
 * The clients never log what they carry (Vert.x's activity logging stays off), follow no redirect, and leave a
 * compressed body compressed: the gateway relays a provider's bytes as they came.
 */
final class StreamHttpClients {

    /** The two clients of one Vert.x instance. */
    record Clients(HttpClient pooled, HttpClient fresh) {
    }

    private final StreamHttpSettings settings;
    private final Map<Vertx, Clients> clients = new ConcurrentHashMap<>();
    // connections that have carried a request: a failure on one of them may be a provider's idle close
    private final Map<HttpConnection, Boolean> used = Collections.synchronizedMap(new WeakHashMap<>());

    StreamHttpClients(StreamHttpSettings settings) {
        this.settings = settings;
    }

    /** The clients of {@code vertx}, made on first use. */
    Clients of(Vertx vertx) {
        return clients.computeIfAbsent(vertx, this::create);
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
