package io.camelllmproxy.http;

import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.observe.RequestMdc;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.WorkerPool;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.component.platform.http.DefaultPlatformHttpConsumer;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.spi.HeaderFilterStrategy;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Runs the gateway's routes on the gateway's own threads, asynchronously: a route starts on a worker (its steps
 * before the provider call may block: camel-http for plain answers), and where it goes asynchronous (a stream's
 * provider call answers on the request's event loop) the worker is free at once; the route's end, on whatever
 * thread it comes, writes the response on the request's event loop. So an open stream holds no thread at all,
 * where Camel's platform-http consumer would hold one of the server's worker pool (in a host, the host's: 20
 * threads by default) waiting for the route to end.
 * <p>
 * The worker runs with a Vert.x context current whose event loop is the request's own and whose pool is the
 * gateway's executor, so a provider call made from it answers on the client's event loop: a stream's events go
 * from the provider's socket to the client's with no thread between.
 * <p>
 * What Camel's consumer does around its route (exchange, message from the request, unit of work, writing the
 * response, failure handling) is done here with the consumer's own methods; Camel 4.18 has no public way to run a
 * consumer's route asynchronously, so they are reached once, when the gateway starts, and a Camel without them
 * stops the start instead of serving the routes some other way. A suspended route, or one in proxy mode, goes
 * through the consumer's own handler on the same threads.
 */
public final class GatewayWorkers {

    private static final OpenAiError RELOADING = OpenAiError.of(503, OpenAiError.SERVER_ERROR, "route_reloading",
            "The route serving this request was being replaced (a live reload); send the request again");

    private final ExecutorService executor;
    private final MethodHandle handleRequest;
    private final MethodHandle processHttpRequest;
    private final MethodHandle populateMultiFormData;
    private final MethodHandle writeResponse;
    private final Map<EventLoop, ContextInternal> contexts = new ConcurrentHashMap<>();
    private volatile WorkerPool pool;

    public GatewayWorkers(ExecutorService executor) {
        this.executor = executor;
        try {
            MethodHandles.Lookup consumer = MethodHandles.privateLookupIn(VertxPlatformHttpConsumer.class, MethodHandles.lookup());
            this.handleRequest = consumer.findVirtual(VertxPlatformHttpConsumer.class, "handleRequest",
                    MethodType.methodType(void.class, RoutingContext.class));
            this.processHttpRequest = consumer.findVirtual(VertxPlatformHttpConsumer.class, "processHttpRequest",
                    MethodType.methodType(Future.class, Exchange.class, RoutingContext.class));
            this.populateMultiFormData = consumer.findVirtual(VertxPlatformHttpConsumer.class, "populateMultiFormData",
                    MethodType.methodType(void.class, RoutingContext.class, org.apache.camel.Message.class,
                            HeaderFilterStrategy.class));
            Class<?> support = Class.forName("org.apache.camel.component.platform.http.vertx.VertxPlatformHttpSupport");
            this.writeResponse = MethodHandles.privateLookupIn(support, MethodHandles.lookup()).findStatic(support,
                    "writeResponse", MethodType.methodType(Future.class, RoutingContext.class, Exchange.class,
                            HeaderFilterStrategy.class, boolean.class));
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
            ContextInternal request = ours.duplicate();
            PlatformHttpEndpoint endpoint = target.getEndpoint();
            if (target.isSuspended() || endpoint.isHttpProxy()) {
                request.dispatch(v -> invoke(() -> handleRequest.invoke(target, ctx), ctx));
                return;
            }
            request.dispatch(v -> invoke(() -> handle(target, ctx, request), ctx));
        };
    }

    private void handle(VertxPlatformHttpConsumer target, RoutingContext ctx, ContextInternal request) throws Throwable {
        Exchange exchange = target.createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        exchange.setVariable(ExchangeKeys.REQUEST_ID, RequestIds.of(ctx));
        @SuppressWarnings("unchecked")
        Future<Void> populated = (Future<Void>) processHttpRequest.invoke(target, exchange, ctx);
        populated.onComplete(read -> {
            if (read.failed()) {
                fail(target, exchange, ctx, read.cause());
                return;
            }
            if (target.getEndpoint().isUseBodyHandler()) {
                try {
                    populateMultiFormData.invoke(target, ctx, exchange.getIn(), target.getEndpoint().getHeaderFilterStrategy());
                } catch (Throwable e) {
                    fail(target, exchange, ctx, e);
                    return;
                }
            }
            request.executeBlocking(() -> {
                if (!target.isRunAllowed() || target.isSuspended()) {
                    // the route stopped while the request waited for a thread (a live reload swapping it): sent in, it
                    // would wait for the stopped routes it calls, and hold up the reload that waits for it
                    target.releaseExchange(exchange, false);
                    request.execute(v -> AdmissionControl.reply(ctx, RELOADING, Map.of("Retry-After", "1")));
                    return null;
                }
                try {
                    target.createUoW(exchange);
                } catch (Exception e) {
                    request.execute(v -> fail(target, exchange, ctx, e));
                    return null;
                }
                // the route reports every failure through the exchange: the callback is the one way out. Camel's own
                // work between the steps on this thread logs under the request too (the steps set it themselves)
                try (RequestMdc.Scope ignored = RequestMdc.open(RequestIds.of(ctx), null)) {
                    target.getAsyncProcessor().process(exchange,
                            doneSync -> request.execute(v -> respond(target, exchange, ctx)));
                }
                return null;
            }, false).onFailure(e -> fail(target, exchange, ctx, e));
        });
    }

    private void respond(VertxPlatformHttpConsumer target, Exchange exchange, RoutingContext ctx) {
        PlatformHttpEndpoint endpoint = target.getEndpoint();
        Future<?> written;
        try {
            written = (Future<?>) writeResponse.invoke(ctx, exchange, endpoint.getHeaderFilterStrategy(),
                    endpoint.isMuteException());
        } catch (Throwable e) {
            fail(target, exchange, ctx, e);
            return;
        }
        written.onComplete(result -> {
            if (result.succeeded()) {
                done(target, exchange);
            } else {
                fail(target, exchange, ctx, result.cause());
            }
        });
    }

    /** As Camel's consumer fails a request: its exception handler, the routing context, then the unit of work. */
    private static void fail(VertxPlatformHttpConsumer target, Exchange exchange, RoutingContext ctx, Throwable failure) {
        target.getExceptionHandler().handleException("Failed handling platform-http endpoint "
                + target.getEndpoint().getPath(), failure);
        ctx.fail(failure);
        if (target.getEndpoint().isHandleWriteResponseError() && failure != null) {
            Exception existing = exchange.getException();
            if (existing != null) {
                failure.addSuppressed(existing);
            }
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            exchange.setException(failure instanceof Exception e ? e : new RuntimeException(failure));
        }
        done(target, exchange);
    }

    private static void done(VertxPlatformHttpConsumer target, Exchange exchange) {
        // the request's end (its on-completions: the access log, the request event) logs under it too
        try (RequestMdc.Scope ignored = RequestMdc.open(exchange)) {
            target.doneUoW(exchange);
            target.releaseExchange(exchange, false);
        }
    }

    private interface Step {
        void run() throws Throwable;
    }

    private static void invoke(Step step, RoutingContext ctx) {
        try {
            step.run();
        } catch (Throwable e) {
            ctx.fail(e);
        }
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
