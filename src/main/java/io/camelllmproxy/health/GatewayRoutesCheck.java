package io.camelllmproxy.health;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.impl.health.RouteHealthCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code llm-routes}: Camel's own route check ({@link RouteHealthCheck}) run on each of the gateway's routes (ids
 * prefixed {@code llm-}), summed up in one result. A host that turns Camel's per-route checks off still gets it.
 */
public class GatewayRoutesCheck extends AbstractHealthCheck {

    public static final String ID = "llm-routes";
    static final String ROUTE_PREFIX = "llm-";

    public GatewayRoutesCheck(CamelContext context) {
        super("llm", ID);
        setCamelContext(context);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> failing = new ArrayList<>();
        int count = 0;
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getRouteId() == null || !route.getRouteId().startsWith(ROUTE_PREFIX)) {
                continue;
            }
            count++;
            RouteHealthCheck check = new RouteHealthCheck(route);
            check.setCamelContext(getCamelContext());
            HealthCheck.Result result = check.call(options);
            if (result.getState() != State.UP) {
                failing.add(route.getRouteId() + " (" + getCamelContext().getRouteController()
                        .getRouteStatus(route.getRouteId()) + ")");
            }
        }
        builder.detail("routes", count);
        if (count == 0) {
            builder.message("No gateway route (id " + ROUTE_PREFIX + "...) is loaded");
            builder.down();
        } else if (failing.isEmpty()) {
            builder.up();
        } else {
            builder.detail("routes.down", String.join(",", failing));
            builder.message("Gateway routes not running: " + String.join(", ", failing));
            builder.down();
        }
    }
}
