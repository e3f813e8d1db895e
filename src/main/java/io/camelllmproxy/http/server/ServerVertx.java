package io.camelllmproxy.http.server;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;
import io.vertx.core.net.impl.ConnectionBase;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * The Vert.x that Camel's platform-http server is created from. Camel builds its {@code HttpServerOptions}
 * itself and offers no hook for timeouts, HTTP/2 or invalid requests; creating the server here is the one
 * place to set them: {@link ServerLimits}, per-connection {@link ConnectionDeadlines} and
 * {@link StrictRequestDecoder}, {@link InvalidRequests}, the {@link StartupGate} in front of Camel's router
 * and the {@link ListenCheck} on its listen callback. Camel creates one server, which listens on one event
 * loop; here it is a {@link SharedPortServer} of one per event loop asked for, each set up alike.
 * Every other call goes to the real Vert.x.
 */
public final class ServerVertx extends VertxWrapper {

    private final ServerLimits limits;
    private final StartupGate gate;
    private final ListenCheck listenCheck;
    private final int eventLoops;

    /** @param eventLoops how many event loops serve the server's connections; at most the Vert.x's own */
    public ServerVertx(VertxInternal delegate, ServerLimits limits, StartupGate gate, ListenCheck listenCheck, int eventLoops) {
        super(delegate);
        if (eventLoops < 1) {
            throw new IllegalArgumentException("at least one event loop serves the server, not " + eventLoops);
        }
        this.limits = limits;
        this.gate = gate;
        this.listenCheck = listenCheck;
        this.eventLoops = eventLoops;
    }

    @Override
    public HttpServer createHttpServer() {
        return createHttpServer(new HttpServerOptions());
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions options) {
        HttpServerOptions applied = limits.apply(options);
        List<HttpServer> servers = new ArrayList<>();
        for (int i = 0; i < eventLoops; i++) {
            servers.add(delegate.createHttpServer(applied));
        }
        HttpServer server = new SharedPortServer(delegate, applied, servers);
        server.invalidRequestHandler(new InvalidRequests());
        server.connectionHandler(connection -> harden(connection, applied));
        return guarded(server);
    }

    // Runs on the connection's event loop right after Vert.x built its pipeline, before any byte is read.
    private void harden(HttpConnection connection, HttpServerOptions options) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
        if (pipeline.get("httpDecoder") == null || pipeline.get("handler") == null) {
            return; // not an HTTP/1.1 pipeline (none other is served; see ServerLimits)
        }
        pipeline.replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options));
        ConnectionDeadlines.install(pipeline, limits);
    }

    /**
     * The server as Camel sees it: its request handler goes behind the start-up gate and its listen
     * callback through the listen check; everything else is the server itself. A proxy, because
     * {@link HttpServer} has some twenty methods of which two change.
     */
    @SuppressWarnings("unchecked")
    private HttpServer guarded(HttpServer server) {
        return (HttpServer) Proxy.newProxyInstance(HttpServer.class.getClassLoader(), new Class<?>[] {HttpServer.class},
                (proxy, method, args) -> {
                    int arity = args == null ? 0 : args.length;
                    if (method.getName().equals("requestHandler") && arity == 1) {
                        server.requestHandler(gate.guard((Handler<HttpServerRequest>) args[0]));
                        return proxy;
                    }
                    if (method.getName().equals("listen") && arity == 3 && args[0] instanceof Integer port
                            && args[1] instanceof String host && args[2] instanceof Handler<?> callback) {
                        server.listen(port, host, listenCheck.watch(host, port, (Handler<AsyncResult<HttpServer>>) callback));
                        return proxy;
                    }
                    try {
                        Object result = method.invoke(server, args);
                        return result == server ? proxy : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
