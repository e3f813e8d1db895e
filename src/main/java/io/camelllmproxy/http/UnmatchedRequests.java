package io.camelllmproxy.http;

import io.camelllmproxy.error.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * The answers to a request for one of the gateway's paths that no route took, in OpenAI's error shape instead
 * of Vert.x's empty or HTML pages: 405 with Allow on a path the gateway serves with other methods, 404 under
 * the gateway's API.
 */
public final class UnmatchedRequests {

    private UnmatchedRequests() {
    }

    /** 405 naming {@code allowed}, read at each request since routes come and go while the server runs. */
    public static Handler<RoutingContext> methodNotAllowed(Supplier<Collection<String>> allowed) {
        return ctx -> {
            Collection<String> methods = allowed.get();
            // none left, or the route that takes this method is stopping: not a wrong method
            if (methods.isEmpty() || methods.contains(ctx.request().method().name())) {
                ctx.next();
                return;
            }
            String allow = String.join(", ", methods);
            ctx.response().putHeader("Allow", allow);
            reply(ctx, OpenAiError.of(405, OpenAiError.INVALID_REQUEST, "method_not_allowed",
                    ctx.request().method().name() + " is not allowed on " + ctx.normalizedPath() + "; use " + allow));
        };
    }

    public static Handler<RoutingContext> notFound() {
        return ctx -> reply(ctx, OpenAiError.of(404, OpenAiError.INVALID_REQUEST, "not_found",
                "No endpoint at " + ctx.normalizedPath()));
    }

    private static void reply(RoutingContext ctx, OpenAiError error) {
        RequestIds.of(ctx);
        ctx.response().setStatusCode(error.status()).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(error.toBytes()));
    }
}
