package io.camelllmproxy.http;

import io.camelllmproxy.error.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.TreeSet;

/**
 * The last route of the server: a request no route took gets a JSON 405 (known path, other method, with
 * Allow) or 404, instead of Vert.x's empty or HTML pages.
 */
public class UnmatchedRequests implements Handler<RoutingContext> {

    private final Router router;

    public UnmatchedRequests(Router router) {
        this.router = router;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        Set<String> allowed = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (path.equals(route.getPath()) && route.methods() != null) {
                route.methods().stream().map(HttpMethod::name).forEach(allowed::add);
            }
        }
        OpenAiError error = allowed.isEmpty()
                ? OpenAiError.of(404, OpenAiError.INVALID_REQUEST, "not_found", "No endpoint at " + path)
                : OpenAiError.of(405, OpenAiError.INVALID_REQUEST, "method_not_allowed",
                ctx.request().method().name() + " is not allowed on " + path + "; use " + String.join(", ", allowed));
        ctx.response().setStatusCode(error.status()).putHeader("Content-Type", "application/json");
        if (!allowed.isEmpty()) {
            ctx.response().putHeader("Allow", String.join(", ", allowed));
        }
        ctx.response().end(Buffer.buffer(error.toBytes()));
    }
}
