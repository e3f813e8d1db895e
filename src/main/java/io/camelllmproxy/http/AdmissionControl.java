package io.camelllmproxy.http;

import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.error.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs on the Vert.x event loop before any route: refuses work beyond the configured capacity with a
 * quick 503 (rather than queueing it behind busy worker threads), refuses oversized bodies by their
 * Content-Length with a JSON 413, refuses a body that would take the bytes held for all bodies together
 * past the {@link RequestBodyBudget} with a quick 503, and keeps a context per live request: the caller's
 * identity and who to tell when its client goes away. A request's slot is given back only when both its
 * response is over and the route working on it has finished, so a client that leaves cannot free capacity
 * that its route (a worker thread for a plain answer) and its upstream connection still use.
 * <p>
 * Body bytes are reserved while the body is received: its Content-Length, or the per-request limit when the
 * length is not declared (chunked). Once received, the reservation shrinks to the body's real size, and it
 * is given back as soon as the body is no longer held ({@link RequestContext#bodyReleased()}, once the
 * provider has answered its response head) and at the latest when the request ends, so a long stream holds no body budget.
 */
public class AdmissionControl implements Handler<RoutingContext> {

    private final int maxConcurrent;
    private final long maxBodyBytes;
    private final RequestBodyBudget bodyBudget;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<HttpServerResponse, RequestContext> contexts = new ConcurrentHashMap<>();

    /** What the gateway knows about one live request: who sent it, and who waits for its client to leave. */
    public static final class RequestContext {
        /** Exchange property holding the context of the request a route works on. */
        public static final String PROPERTY = "gatewayRequestContext";

        private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
        // one hold for the response; each route working on the request adds one
        private final AtomicInteger holds = new AtomicInteger(1);
        private final AtomicBoolean responseOver = new AtomicBoolean();
        private final Runnable release;
        private final RoutingContext routing;
        private final RequestBodyBudget bodyBudget;
        // the body bytes this request holds of the budget now
        private final AtomicLong bodyBytes;
        private volatile ApiKeyIdentity identity;
        private volatile boolean clientGone;

        private RequestContext(Runnable release, RoutingContext routing, RequestBodyBudget bodyBudget, long bodyBytes) {
            this.release = release;
            this.routing = routing;
            this.bodyBudget = bodyBudget;
            this.bodyBytes = new AtomicLong(bodyBytes);
        }

        /**
         * The body has been received in full: what was reserved for it beyond its real size (all of the
         * per-request limit for a chunked body) goes back to the budget.
         */
        public void bodyReceived() {
            RequestBody body = routing.body();
            if (!body.available()) {
                return;
            }
            long actual = Math.max(0, body.length());
            long before = bodyBytes.getAndUpdate(held -> Math.min(held, actual));
            bodyBudget.release(before - Math.min(before, actual));
        }

        /**
         * The request's body is no longer needed: the router's copy is dropped and its bytes go back to the
         * budget, so a request that goes on for minutes (a stream) holds none of it.
         */
        @SuppressWarnings("deprecation") // the only way to drop the router's reference to a body already read
        public void bodyReleased() {
            if (routing.body().available()) {
                routing.setBody(null);
            }
            releaseBody();
        }

        private void releaseBody() {
            bodyBudget.release(bodyBytes.getAndSet(0));
        }

        public ApiKeyIdentity identity() {
            return identity;
        }

        public void identity(ApiKeyIdentity identity) {
            this.identity = identity;
        }

        /** Whether the client's connection closed before its response ended. */
        public boolean clientGone() {
            return clientGone;
        }

        /**
         * Runs {@code action} once if the client's connection closes before its response ended. Returns false
         * when the response is no longer live (already ended or closed), so the caller can act at once.
         */
        public boolean onClientGone(Runnable action) {
            if (responseOver.get()) {
                return false;
            }
            closeListeners.add(action);
            // the close may have run the listeners between the check and the add
            return !responseOver.get();
        }

        /** A route starts working on the request; false when the request is already over. */
        public boolean workStarted() {
            while (true) {
                int current = holds.get();
                if (current == 0) {
                    return false;
                }
                if (holds.compareAndSet(current, current + 1)) {
                    return true;
                }
            }
        }

        /** The route working on the request has finished; its thread and upstream connection are free. */
        public void workDone() {
            releaseHold();
        }

        private void responseOver(boolean failed) {
            if (!responseOver.compareAndSet(false, true)) {
                return;
            }
            if (failed) {
                clientGone = true;
                closeListeners.forEach(Runnable::run);
            }
            releaseHold();
        }

        private void releaseHold() {
            if (holds.decrementAndGet() == 0) {
                releaseBody();
                release.run();
            }
        }
    }

    public AdmissionControl(int maxConcurrent, long maxBodyBytes, RequestBodyBudget bodyBudget) {
        this.maxConcurrent = maxConcurrent;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyBudget = bodyBudget;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (inFlight.incrementAndGet() > maxConcurrent) {
            inFlight.decrementAndGet();
            reply(ctx, OpenAiError.of(503, OpenAiError.SERVER_ERROR, "gateway_overloaded",
                    "The gateway is at its capacity of " + maxConcurrent + " concurrent requests; retry shortly"),
                    Map.of("Retry-After", "1"));
            return;
        }
        long bodyBytes = bodyBytesToReserve(ctx.request());
        if (bodyBytes < 0) {
            inFlight.decrementAndGet();
            reply(ctx, OpenAiError.of(413, OpenAiError.INVALID_REQUEST, "request_too_large",
                    "The request body is larger than the gateway's limit of " + maxBodyBytes + " bytes"), Map.of());
            return;
        }
        if (!bodyBudget.tryReserve(bodyBytes)) {
            inFlight.decrementAndGet();
            reply(ctx, OpenAiError.of(503, OpenAiError.SERVER_ERROR, "gateway_overloaded",
                    "The gateway is reading as many request bodies as its memory allows; retry shortly"),
                    Map.of("Retry-After", "1"));
            return;
        }
        HttpServerResponse response = ctx.response();
        RequestContext context = new RequestContext(() -> {
            contexts.remove(response);
            inFlight.decrementAndGet();
        }, ctx, bodyBudget, bodyBytes);
        contexts.put(response, context);
        // Vert.x Web reports some complete answers as failed too: only an answer never ended means the client left
        ctx.addEndHandler(result -> context.responseOver(result.failed() && !response.ended()));
        ctx.next();
    }

    /** Runs {@code action} once if the client leaves first; false when the response is over already. */
    public boolean onClientGone(HttpServerResponse response, Runnable action) {
        RequestContext context = contexts.get(response);
        return context != null && context.onClientGone(action);
    }

    /** The live request's context, or null once it is over. */
    public RequestContext context(HttpServerResponse response) {
        return contexts.get(response);
    }

    /** The Vert.x body limit answers 413 in plain text; this answers it, and other early failures, as JSON. */
    public static Handler<RoutingContext> failureHandler() {
        return ctx -> {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            if (ctx.response().ended()) {
                return;
            }
            if (ctx.response().headWritten()) {
                ctx.response().end();
                return;
            }
            OpenAiError error = status == 413
                    ? OpenAiError.of(413, OpenAiError.INVALID_REQUEST, "request_too_large",
                    "The request body is larger than the gateway's limit")
                    : OpenAiError.of(status, status >= 500 ? OpenAiError.SERVER_ERROR : OpenAiError.INVALID_REQUEST,
                    null, "The request could not be handled (HTTP " + status + ")");
            reply(ctx, error, Map.of());
        };
    }

    /**
     * The bytes the request's body may take: its Content-Length, or the per-request limit when the length is
     * not declared but a body may follow (chunked, HTTP/2); -1 when the declared length is over the limit.
     */
    private long bodyBytesToReserve(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                long declared = Long.parseLong(length.trim());
                return maxBodyBytes > 0 && declared > maxBodyBytes ? -1 : Math.max(0, declared);
            } catch (NumberFormatException e) {
                return maxBodyBytes;
            }
        }
        HttpMethod method = request.method();
        boolean bodyMayFollow = request.getHeader("Transfer-Encoding") != null || request.version() == HttpVersion.HTTP_2
                && (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH);
        return bodyMayFollow ? maxBodyBytes : 0;
    }

    static void reply(RoutingContext ctx, OpenAiError error, Map<String, String> headers) {
        RequestIds.of(ctx);
        HttpServerResponse response = ctx.response();
        response.setStatusCode(error.status());
        response.putHeader("Content-Type", "application/json");
        headers.forEach(response::putHeader);
        response.end(io.vertx.core.buffer.Buffer.buffer(error.toBytes()));
    }
}
