package io.camelllmproxy.http;

import io.camelllmproxy.observe.RequestMdc;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * The id of each request the gateway answers over HTTP ({@code x-request-id}): the client's own when it is a
 * printable token of at most {@value #MAX_LENGTH} characters (visible ASCII, 0x21-0x7E, so it can never break a
 * header, a log line or a ledger column), else a new UUID. Decided once per request, before any check, and put on
 * the answer just before its head goes out, so every answer carries it (401, 429, 503, a stream, a route's own)
 * and nothing written later (a provider's relayed {@code x-request-id}) replaces it.
 */
public final class RequestIds {

    /** The header the id travels in, both ways, and to the provider. */
    public static final String HEADER = "x-request-id";
    /** The longest client id kept (the ledger's request_id column is VARCHAR(128)). */
    public static final int MAX_LENGTH = 128;
    /** Routing-context key of the request's id. */
    private static final String KEY = "llm.requestId";

    private RequestIds() {
    }

    /** {@code candidate} when it is a printable token of at most {@link #MAX_LENGTH} characters, else a new id. */
    public static String accept(String candidate) {
        return isPrintableToken(candidate) ? candidate : newId();
    }

    /** A new id. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    static boolean isPrintableToken(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /**
     * The request's id, decided at the first call (and then put on its answer); any handler that answers a request
     * may call it, in any order.
     */
    public static String of(RoutingContext ctx) {
        String id = ctx.get(KEY);
        if (id == null) {
            id = accept(ctx.request().getHeader(HEADER));
            ctx.put(KEY, id);
            stamp(ctx, id);
        }
        return id;
    }

    /** Puts the id on the answer at its head, after every writer (a route's message headers, a provider's id): ours wins. */
    private static void stamp(RoutingContext ctx, String id) {
        ctx.addHeadersEndHandler(v -> ctx.response().headers().set(HEADER, id));
    }

    /**
     * The first handler of a request: decides its id and keeps it in the log context of the event-loop handlers
     * that run on it at once (the key check, admission).
     */
    public static Handler<RoutingContext> handler() {
        return ctx -> {
            String id = ctx.get(KEY);
            if (id == null) {
                id = of(ctx);
            } else {
                // a rerouted request (/v1/llm/... as /llm/...): Vert.x keeps its data but drops its header handlers
                stamp(ctx, id);
            }
            try (RequestMdc.Scope ignored = RequestMdc.open(id, null)) {
                ctx.next();
            }
        };
    }
}
