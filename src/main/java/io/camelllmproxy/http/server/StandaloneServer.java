package io.camelllmproxy.http.server;

import io.camelllmproxy.auth.AuthGate;
import io.camelllmproxy.auth.Scopes;
import io.camelllmproxy.config.Settings;
import io.camelllmproxy.http.EndpointSummary;
import io.camelllmproxy.http.UnmatchedRequests;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxInternal;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;

/**
 * What only the standalone application does, because it owns its HTTP server (a host embedding the gateway keeps
 * its own server and Vert.x as they are): the Vert.x the server is created from ({@link ServerVertx}: server
 * limits, per-connection deadlines, the start-up gate, the listen check, {@code llm.server.event-loops} event
 * loops serving connections), a JSON 404 for every path no route
 * takes, the key check on Camel's management endpoints (the metrics scrape: {@code metrics} or {@code admin}), and the start-up list of endpoints. Added after {@code GatewayConfiguration}, whose defaults it reads.
 */
public final class StandaloneServer implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        int eventLoops = settings.integer("llm.server.event-loops", Runtime.getRuntime().availableProcessors());
        if (eventLoops < 1) {
            throw new IllegalStateException("the property llm.server.event-loops must be at least 1, not " + eventLoops);
        }
        // the gateway's routes run on its own threads (GatewayWorkers): Vert.x's defaults serve the rest, with
        // at least as many event loops as the server is to listen on
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, eventLoops)));
        context.addService(new VertxCloser(vertx), true, true);
        StartupGate startupGate = new StartupGate();
        ListenCheck listenCheck = new ListenCheck();
        context.addStartupListener(listenCheck);
        context.getRegistry().bind("llm-listen-check", listenCheck);
        context.addStartupListener(startupGate);
        // Camel's HTTP server is created from the one Vert.x bean in the registry: this one
        context.getRegistry().bind("vertx",
                new ServerVertx((VertxInternal) vertx, ServerLimits.from(settings), startupGate, listenCheck, eventLoops));
        context.addStartupListener(new Unmatched(settings.integer("camel.server.port", 8080)));
    }

    /** The last route of the server, and the endpoint list once every route is on the router. */
    private static final class Unmatched implements StartupListener {
        private final int port;

        Unmatched(int port) {
            this.port = port;
        }

        @Override
        public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            VertxPlatformHttpRouter router = router(context);
            AuthGate auth = context.getRegistry().lookupByNameAndType("llm-auth-gate", AuthGate.class);
            if (auth != null) {
                // Camel's management endpoints (developer console, info) describe the whole gateway: admin only;
                // its health probes stay open, as load balancers and Kubernetes call them without a key
                router.route("/q/*").order(-2000).handler(auth.requiring(Scopes.ADMIN));
                router.routeWithRegex("/observe/(?!health(/live|/ready)?/?$|metrics/?$).*").order(-2000)
                        .handler(auth.requiring(Scopes.ADMIN));
                // a Prometheus scraper's key needs only the metrics scope (admin implies it)
                router.routeWithRegex("/observe/metrics/?").order(-2000).handler(auth.requiring(Scopes.METRICS));
            }
            router.route().order(Integer.MAX_VALUE).handler(UnmatchedRequests.notFound());
        }

        @Override
        public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
            EndpointSummary.log(router(context), port);
        }

        private VertxPlatformHttpRouter router(CamelContext context) {
            VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                    VertxPlatformHttpRouter.getRouterNameFromPort(port));
            if (router == null) {
                router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.PLATFORM_HTTP_ROUTER_NAME_ZERO);
            }
            if (router == null) {
                throw new IllegalStateException("no platform-http server on port " + port + "; is camel.server.enabled set?");
            }
            return router;
        }
    }

    /** Closes the server's Vert.x when the Camel context stops. */
    private static final class VertxCloser extends ServiceSupport {
        private final Vertx vertx;

        VertxCloser(Vertx vertx) {
            this.vertx = vertx;
        }

        @Override
        protected void doStop() {
            vertx.close();
        }
    }
}
