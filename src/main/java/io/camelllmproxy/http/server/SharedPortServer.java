package io.camelllmproxy.http.server;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrafficShapingOptions;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One HTTP server as its user sees it, made of several Vert.x servers on the same port, each listening from
 * an event loop of its own: Vert.x then binds the socket once and hands each new connection to the next of
 * them in turn, so connections are served on all those event loops instead of one. Every handler set here
 * is set on each of them; each is created with the same options by its caller.
 */
final class SharedPortServer implements HttpServer {

    private final VertxInternal vertx;
    private final HttpServerOptions options;
    private final List<HttpServer> servers;

    SharedPortServer(VertxInternal vertx, HttpServerOptions options, List<HttpServer> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server to share the port");
        }
        this.vertx = vertx;
        this.options = options;
        this.servers = List.copyOf(servers);
    }

    /** How many Vert.x servers share the port (one per event loop). */
    int instances() {
        return servers.size();
    }

    private HttpServer first() {
        return servers.get(0);
    }

    private SharedPortServer onEach(Function<HttpServer, HttpServer> setter) {
        servers.forEach(setter::apply);
        return this;
    }

    @Override
    public HttpServer requestHandler(Handler<HttpServerRequest> handler) {
        return onEach(server -> server.requestHandler(handler));
    }

    @Override
    public Handler<HttpServerRequest> requestHandler() {
        return first().requestHandler();
    }

    @Override
    public HttpServer invalidRequestHandler(Handler<HttpServerRequest> handler) {
        return onEach(server -> server.invalidRequestHandler(handler));
    }

    @Override
    public HttpServer connectionHandler(Handler<HttpConnection> handler) {
        return onEach(server -> server.connectionHandler(handler));
    }

    @Override
    public HttpServer exceptionHandler(Handler<Throwable> handler) {
        return onEach(server -> server.exceptionHandler(handler));
    }

    @Override
    public HttpServer webSocketHandler(Handler<ServerWebSocket> handler) {
        return onEach(server -> server.webSocketHandler(handler));
    }

    @Override
    public HttpServer webSocketHandshakeHandler(Handler<ServerWebSocketHandshake> handler) {
        return onEach(server -> server.webSocketHandshakeHandler(handler));
    }

    @Override
    public Handler<ServerWebSocket> webSocketHandler() {
        return first().webSocketHandler();
    }

    // A stream per server would take only that server's requests: refused rather than serve a part of them.
    @Override
    public ReadStream<HttpServerRequest> requestStream() {
        throw new UnsupportedOperationException("the gateway's server is several servers on one port; set a requestHandler");
    }

    @Override
    public ReadStream<ServerWebSocket> webSocketStream() {
        throw new UnsupportedOperationException("the gateway's server is several servers on one port; set a webSocketHandler");
    }

    // The server that bound the socket holds TLS and traffic shaping for all; Vert.x forwards there from any of them.
    @Override
    public Future<Boolean> updateSSLOptions(SSLOptions sslOptions, boolean force) {
        return first().updateSSLOptions(sslOptions, force);
    }

    @Override
    public void updateTrafficShapingOptions(TrafficShapingOptions trafficShapingOptions) {
        first().updateTrafficShapingOptions(trafficShapingOptions);
    }

    @Override
    public Future<HttpServer> listen() {
        return listen(SocketAddress.inetSocketAddress(options.getPort(), options.getHost()));
    }

    /**
     * Each server listens from an event-loop context of its own (Vert.x serves a server's connections on the
     * loop it listened from; listening from one thread would put them all on the same loop).
     */
    @Override
    public Future<HttpServer> listen(SocketAddress address) {
        SocketAddress shared = address;
        if (address.isInetSocket() && address.port() == 0 && servers.size() > 1) {
            // port 0 gives each server a port of its own; Vert.x shares a random port among servers asking for -1
            shared = SocketAddress.inetSocketAddress(-1, address.host());
        }
        List<EventLoop> loops = eventLoops();
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        List<Future<HttpServer>> listening = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            HttpServer server = servers.get(i);
            ContextInternal context = vertx.createEventLoopContext(loops.get(i % loops.size()), null, classLoader);
            Promise<HttpServer> listened = Promise.promise();
            SocketAddress at = shared;
            context.runOnContext(v -> {
                try {
                    server.listen(at).onComplete(listened);
                } catch (RuntimeException e) {
                    listened.fail(e); // thrown on the loop, it would leave the caller waiting
                }
            });
            listening.add(listened.future());
        }
        return Future.all(listening).map(all -> this);
    }

    /** The event loops of the Vert.x, each once, in a fixed order. */
    private List<EventLoop> eventLoops() {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : vertx.getEventLoopGroup()) {
            loops.add((EventLoop) executor);
        }
        return loops;
    }

    @Override
    public Future<Void> close() {
        List<Future<Void>> closing = servers.stream().map(HttpServer::close).toList();
        return Future.join(closing).mapEmpty();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> completionHandler) {
        Future<Void> closed = close();
        if (completionHandler != null) {
            closed.onComplete(completionHandler);
        }
    }

    @Override
    public int actualPort() {
        return first().actualPort();
    }

    @Override
    public boolean isMetricsEnabled() {
        return first().isMetricsEnabled();
    }
}
