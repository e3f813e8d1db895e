package io.camelllmproxy.http;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Installs {@link AdmissionControl} in front of every platform-http route once the HTTP server exists
 * (order -1000 puts it ahead of the routes' own handlers, body handler included), and
 * {@link UnmatchedRequests} behind all of them.
 */
public class HttpServerSetup implements StartupListener {

    private final AdmissionControl admission;
    private final int port;

    public HttpServerSetup(AdmissionControl admission, int port) {
        this.admission = admission;
        this.port = port;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(0));
        }
        if (router == null) {
            throw new IllegalStateException("no platform-http server on port " + port + "; is camel.server.enabled set?");
        }
        router.route().order(-1000).handler(admission).failureHandler(AdmissionControl.failureHandler());
        router.route().order(Integer.MAX_VALUE).handler(new UnmatchedRequests(router));
    }
}
