package io.camelllmproxy.http;

import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.error.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs on the Vert.x event loop before any route: refuses work beyond the configured capacity with a
 * quick 503 (rather than queueing it behind busy worker threads), refuses oversized bodies by their
 * Content-Length with a JSON 413, and keeps a context per live request: the caller's identity and who
 * to tell when its client goes away.
 */
public class AdmissionControl implements Handler<RoutingContext> {

    private final int maxConcurrent;
    private final long maxBodyBytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<HttpServerResponse, RequestContext> contexts = new ConcurrentHashMap<>();

    /** What the gateway knows about one live request: who sent it, and who waits for its client to leave. */
    public static final class RequestContext {
        private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
        private volatile ApiKeyIdentity identity;

        public ApiKeyIdentity identity() {
            return identity;
        }

        public void identity(ApiKeyIdentity identity) {
            this.identity = identity;
        }
    }

    public AdmissionControl(int maxConcurrent, long maxBodyBytes) {
        this.maxConcurrent = maxConcurrent;
        this.maxBodyBytes = maxBodyBytes;
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
        HttpServerResponse response = ctx.response();
        RequestContext context = new RequestContext();
        contexts.put(response, context);
        ctx.addEndHandler(result -> {
            inFlight.decrementAndGet();
            contexts.remove(response);
            if (result.failed()) {
                context.closeListeners.forEach(Runnable::run);
            }
        });
        String length = ctx.request().getHeader("Content-Length");
        if (length != null && tooLarge(length)) {
            reply(ctx, OpenAiError.of(413, OpenAiError.INVALID_REQUEST, "request_too_large",
                    "The request body is larger than the gateway's limit of " + maxBodyBytes + " bytes"), Map.of());
            return;
        }
        ctx.next();
    }

    /**
     * Runs {@code action} once if the client's connection closes before its response ended. Returns false
     * when the response is no longer live (already ended or closed), so the caller can act at once.
     */
    public boolean onClientGone(HttpServerResponse response, Runnable action) {
        RequestContext context = contexts.get(response);
        if (context == null) {
            return false;
        }
        context.closeListeners.add(action);
        return contexts.containsKey(response);
    }

    /** The live request's context, or null once it ended. */
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

    private boolean tooLarge(String length) {
        try {
            return maxBodyBytes > 0 && Long.parseLong(length.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static void reply(RoutingContext ctx, OpenAiError error, Map<String, String> headers) {
        HttpServerResponse response = ctx.response();
        response.setStatusCode(error.status());
        response.putHeader("Content-Type", "application/json");
        headers.forEach(response::putHeader);
        response.end(io.vertx.core.buffer.Buffer.buffer(error.toBytes()));
    }
}
