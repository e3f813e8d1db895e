package io.camelllmproxy.http.server;

import io.camelllmproxy.error.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * The HTTP server listens before Camel has started the routes behind it; until every route is up, a
 * request is answered 503 {@code gateway_starting} (with Retry-After) rather than a 404 from a router
 * that does not know the path yet.
 */
public final class StartupGate implements StartupListener {

    private volatile boolean open;

    /** {@code next} once the gateway has started; the 503 before. */
    Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
        return request -> {
            if (open) {
                next.handle(request);
            } else {
                refuse(request);
            }
        };
    }

    static void refuse(HttpServerRequest request) {
        byte[] body = OpenAiError.of(503, OpenAiError.SERVER_ERROR, "gateway_starting",
                "The gateway is starting; try again in a moment").toBytes();
        request.response().setStatusCode(503)
                .putHeader("Content-Type", "application/json")
                .putHeader("Retry-After", "1")
                // the body, if any, is not read: the connection cannot carry another request after it
                .putHeader("Connection", "close")
                .end(Buffer.buffer(body));
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // routes may still be starting here; onCamelContextFullyStarted opens the gate
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        open = true;
    }
}
