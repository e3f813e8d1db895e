package io.camelllmproxy.http;

import io.netty.channel.EventLoop;
import io.vertx.core.Handler;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.WorkerPool;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.DefaultPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Runs the gateway's routes on the gateway's own threads instead of the Vert.x worker pool of the server they are
 * served on (in a host, the host's pool: 20 threads by default, which a few open streams would take, since each
 * holds its thread while it relays). Camel's platform-http consumer runs a route with {@code vertx.executeBlocking},
 * which takes the pool of the Vert.x context current on the calling thread; the entry made here hands a request,
 * its body read, to the route's consumer with that context being one whose pool is the gateway's executor, on the
 * request's own event loop, so nothing else about the request changes.
 * <p>
 * The entry calls the consumer's request handler itself rather than going on to the consumer's Vert.x route:
 * that route starts with Camel's body handler, which resumes the request and fails on an HTTP/2 request whose
 * body was already read. Camel 4.18 offers no public way in; the handler is reached once, when the gateway
 * starts, and a Camel without it stops the start instead of serving the routes some other way.
 */
public final class GatewayWorkers {

    private final ExecutorService executor;
    private final MethodHandle handleRequest;
    private final Map<EventLoop, ContextInternal> contexts = new ConcurrentHashMap<>();
    private volatile WorkerPool pool;

    public GatewayWorkers(ExecutorService executor) {
        this.executor = executor;
        try {
            this.handleRequest = MethodHandles.privateLookupIn(VertxPlatformHttpConsumer.class, MethodHandles.lookup())
                    .findVirtual(VertxPlatformHttpConsumer.class, "handleRequest",
                            MethodType.methodType(void.class, RoutingContext.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Camel's platform-http-vertx has no request handler the gateway can "
                    + "hand its requests to (written for Camel 4.18)", e);
        }
    }

    /** The last handler of a gateway route's guard: the request goes to {@code consumer} on the gateway's threads. */
    public Handler<RoutingContext> entry(DefaultPlatformHttpConsumer consumer) {
        return ctx -> {
            if (!(consumer.getPlatformHttpConsumer() instanceof VertxPlatformHttpConsumer target)
                    || !target.isRunAllowed() || !(ctx.vertx() instanceof VertxInternal vertx)) {
                // not started, or stopping (a route swapped by a live reload): never handed to processors that are
                // being stopped; Camel's own route answers as it would without the gateway
                ctx.next();
                return;
            }
            ContextInternal current = vertx.getOrCreateContext();
            ContextInternal ours = contexts.computeIfAbsent(current.nettyEventLoop(),
                    loop -> vertx.createEventLoopContext(loop, pool(vertx), current.classLoader()));
            // a duplicate per request, as Vert.x gives each request, so request-local data never mixes
            ours.duplicate().dispatch(v -> {
                try {
                    handleRequest.invoke(target, ctx);
                } catch (Throwable e) {
                    ctx.fail(e);
                }
            });
        };
    }

    private WorkerPool pool(VertxInternal vertx) {
        WorkerPool wrapped = pool;
        if (wrapped == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = vertx.wrapWorkerPool(executor);
                }
                wrapped = pool;
            }
        }
        return wrapped;
    }
}
