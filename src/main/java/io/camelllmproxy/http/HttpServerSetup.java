package io.camelllmproxy.http;

import io.camelllmproxy.auth.AuthGate;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Installs {@link AdmissionControl} and then {@link AuthGate} in front of every platform-http route once
 * the HTTP server exists (negative orders put them ahead of the routes' own handlers, body handler
 * included), and {@link UnmatchedRequests} behind all of them.
 */
public class HttpServerSetup implements StartupListener {

    private final AdmissionControl admission;
    private final AuthGate auth;
    private final int port;

    /** {@code auth} may be null when authentication is switched off. */
    public HttpServerSetup(AdmissionControl admission, AuthGate auth, int port) {
        this.admission = admission;
        this.auth = auth;
        this.port = port;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter router = router(context);
        // ContextForge serves its admin API under both /llm and /v1/llm; the REST DSL declares /llm only.
        router.route("/v1/llm*").order(-1100).handler(ctx -> {
            String query = ctx.request().query();
            ctx.reroute(ctx.request().method(), ctx.normalizedPath().substring(3) + (query == null ? "" : "?" + query));
        });
        // A model name may hold '/' (provider/model_id, or an id like meta-llama/Llama-3): the REST DSL's {id}
        // is one segment, so a name sent unencoded as the rest of the path becomes that one (encoded) segment.
        router.routeWithRegex("/v1/models/[^/]+/.+").order(-1050).handler(ctx -> {
            // segments are still percent-encoded here, so joining them with %2F keeps every other escape as sent
            String name = ctx.normalizedPath().substring("/v1/models/".length());
            ctx.reroute(ctx.request().method(), "/v1/models/" + name.replace("/", "%2F"));
        });
        router.route().order(-1000).handler(admission).failureHandler(AdmissionControl.failureHandler());
        if (auth != null) {
            router.route().order(-900).handler(auth);
        }
        router.route().order(-850).handler(new FormBodyRefusal());
        router.route().order(Integer.MAX_VALUE).handler(new UnmatchedRequests(router));
    }

    /** Only now are the routes' consumers on the router, so the list is complete. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        EndpointSummary.log(router(context), port);
    }

    private VertxPlatformHttpRouter router(CamelContext context) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(0));
        }
        if (router == null) {
            throw new IllegalStateException("no platform-http server on port " + port + "; is camel.server.enabled set?");
        }
        return router;
    }
}
