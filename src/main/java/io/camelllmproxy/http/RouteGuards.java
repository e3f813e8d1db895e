package io.camelllmproxy.http;

import io.camelllmproxy.auth.AuthGate;
import io.camelllmproxy.auth.Scopes;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.DefaultPlatformHttpConsumer;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.RestConfiguration;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Puts the gateway's request handling in front of each of its routes served over HTTP, on that route's exact path
 * and methods and nowhere else, so a host's routes on the same server answer as if the gateway were not there.
 * For each gateway route (id {@code llm-...}) with a platform-http consumer, at the path the consumer itself
 * registers (a host's REST context path included): admission and size limits, the key check with the scope of
 * that route ({@link Scopes#requiredBy}) and the refusal of form bodies, all on the event loop before the body
 * is read, then the body read within the gateway's limit and the hand-off to the route's consumer on the
 * gateway's own threads ({@link GatewayWorkers}); behind the routes, a JSON 405 on those paths and a JSON 404
 * under the gateway's REST APIs; and ContextForge's second mount of the admin API ({@code /v1/llm/...}) and
 * model names holding '/'.
 * <p>
 * The handlers follow the routes while the server runs: added just before a route's consumer starts (a failure
 * there fails the route's start, so no gateway route is ever served unguarded), removed once the route has stopped
 * (after its consumer took the last request), so routes reloaded live keep their guards. {@link #install} puts
 * both hooks on the Camel context.
 */
public class RouteGuards extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RouteGuards.class);

    /** The gateway's routes; any other is the host's and left alone. */
    static final String GATEWAY_ROUTE_PREFIX = "llm-";
    /** The REST API ContextForge also serves under {@code /v1}: {@code /v1/llm/...} as {@code /llm/...}. */
    static final String ALSO_UNDER_V1 = "llm-admin-api";
    /**
     * The route whose path parameter is a model name, which may hold '/' when sent unencoded: the REST verb's
     * route, or the route it calls when Camel inlines it (REST DSL inlineRoutes, a host's choice).
     */
    static final Set<String> MODEL_NAME_ROUTES = Set.of("llm-retrieve-model-rest", "llm-retrieve-model");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^/}]+)}");
    /*
     * Where each kind of route goes among the server's: reroutes first, then the checks, then the body read and
     * hand-off, all before any consumer (Camel numbers those from 0); the 405 and the 404 after every other route
     * (the standalone's catch-all 404 is Integer.MAX_VALUE). Each route gets an order of its own: Vert.x keeps
     * routes in a set sorted by order and cannot reliably remove one that shares its order with another.
     */
    private static final int REROUTE = -3_000_000;
    private static final int CHECKS = -2_000_000;
    private static final int READ = -1_000_000;
    private static final int WRONG_METHOD = Integer.MAX_VALUE - 2_000_000;
    private static final int NOT_FOUND = Integer.MAX_VALUE - 1_000_000;
    private static final int KIND_SPAN = 999_999;

    private final CamelContext context;
    private final AdmissionControl admission;
    private final AuthGate auth;
    private final Handler<RoutingContext> formRefusal = new FormBodyRefusal();
    private final Handler<RoutingContext> bodyReader;
    private final GatewayWorkers workers;
    private final boolean guardEveryRoute;
    // guarded by this: what each gateway route put on the router, and what several of them share
    private final Map<String, Mount> mounts = new HashMap<>();
    private final Map<String, Shared> shared = new HashMap<>();
    private volatile Vertx serverVertx;
    private int routesMade;

    /** What one gateway route put on the router. */
    private record Mount(VertxPlatformHttpRouter router, String path, Set<String> methods, List<Route> routes,
                         List<String> sharedKeys) {
    }

    /** A Vert.x route several gateway routes need (a path's 405, an API's 404), removed with the last of them. */
    private static final class Shared {
        final Route route;
        int users;

        Shared(Route route) {
            this.route = route;
        }
    }

    /**
     * @param auth         null when authentication is switched off
     * @param maxBodyBytes the gateway's limit on a request body, also for bodies sent without a length
     * @param guardEveryRoute whether routes that are not the gateway's are guarded too (the standalone: a route
     *                        file a user adds to ./routes is no open door), needing admin unless listed in Scopes
     */
    public RouteGuards(CamelContext context, AdmissionControl admission, AuthGate auth, long maxBodyBytes,
                       GatewayWorkers workers, boolean guardEveryRoute) {
        this.context = context;
        this.guardEveryRoute = guardEveryRoute;
        this.admission = admission;
        this.auth = auth;
        this.workers = workers;
        // the body is read here, within the gateway's limit, whatever the host's server allows (the consumer's own
        // route, with the server's body handler, is not run). File uploads off: form bodies are refused before.
        this.bodyReader = BodyHandler.create(false).setBodyLimit(maxBodyBytes > 0 ? maxBodyBytes : -1);
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeEvents(true);
    }

    /** Guards each gateway route as its consumer starts, and takes the guards away once the route stopped. */
    public void install(CamelContext camelContext) {
        camelContext.addLifecycleStrategy(new LifecycleStrategySupport() {
            // called just before the consumer starts; an exception here fails the route's start
            @Override
            public void onServiceAdd(CamelContext camel, Service service, org.apache.camel.Route route) {
                if (route == null || !(service instanceof Consumer consumer) || !isGuarded(route.getRouteId())) {
                    return;
                }
                if (consumer instanceof DefaultPlatformHttpConsumer http
                        && http.getEndpoint().getComponent().getEngine() instanceof VertxPlatformHttpEngine) {
                    guard(route.getRouteId(), http);
                } else if (consumer instanceof DefaultPlatformHttpConsumer || servesRest(route.getRouteId())) {
                    // the key check runs on Vert.x only: fail closed rather than serve the API to anyone
                    throw new IllegalStateException("route " + route.getRouteId() + " would serve the gateway's HTTP API "
                            + "through " + consumer.getEndpoint().getEndpointBaseUri() + " on an engine the gateway's key "
                            + "check cannot run on; serve REST with platform-http on Vert.x (camel-platform-http-vertx)");
                }
            }
        });
        camelContext.getManagementStrategy().addEventNotifier(this);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteStoppedEvent || event instanceof CamelEvent.RouteRemovedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        String id = ((CamelEvent.RouteEvent) event).getRoute().getRouteId();
        if (isGuarded(id)) {
            unguard(id);
        }
    }

    /** A gateway route, or in the standalone (which owns its server) any route, which then needs admin unless listed. */
    private boolean isGuarded(String routeId) {
        return routeId != null && (routeId.startsWith(GATEWAY_ROUTE_PREFIX) || guardEveryRoute);
    }

    /** Whether the route is a REST DSL operation, whatever component the REST configuration names. */
    private boolean servesRest(String routeId) {
        RouteDefinition definition = definition(routeId);
        return definition != null && definition.getRestDefinition() != null;
    }

    /** The Vert.x of the server the gateway's routes are served on (the host's, in a host); null before any is. */
    public Vertx serverVertx() {
        return serverVertx;
    }

    private synchronized void guard(String routeId, DefaultPlatformHttpConsumer consumer) {
        PlatformHttpEndpoint endpoint = consumer.getEndpoint();
        if (mounts.containsKey(routeId)) {
            return;
        }
        VertxPlatformHttpRouter router = router(endpoint);
        if (router == null) {
            throw new IllegalStateException("route " + routeId + " consumes from platform-http, but no platform-http "
                    + "server was found; is camel.server.enabled set?");
        }
        serverVertx = router.vertx();
        String path = vertxPath(endpoint);
        Set<String> methods = methods(endpoint);
        List<Route> routes = new ArrayList<>();
        List<String> sharedKeys = new ArrayList<>();
        mounts.put(routeId, new Mount(router, path, methods, routes, sharedKeys));
        try {
            mount(routeId, consumer, router, path, methods, routes, sharedKeys);
        } catch (RuntimeException e) {
            unguard(routeId);
            throw e;
        }
    }

    private void mount(String routeId, DefaultPlatformHttpConsumer consumer, VertxPlatformHttpRouter router, String path, Set<String> methods,
                       List<Route> routes, List<String> sharedKeys) {
        Route checks = router.route(path).order(order(CHECKS));
        methods.forEach(method -> checks.method(HttpMethod.valueOf(method)));
        routes.add(checks);
        // the id first, so every answer from here on (a refusal included) carries it
        checks.handler(RequestIds.handler());
        checks.handler(admission);
        Optional<String> scope = Scopes.requiredBy(routeId);
        if (auth != null && scope.isPresent()) {
            checks.handler(auth.requiring(scope.get()));
        }
        checks.handler(formRefusal).failureHandler(AdmissionControl.failureHandler());
        // Vert.x wants a body handler ahead of any other on its route: the read and the hand-off get their own
        Route read = router.route(path).order(order(READ));
        methods.forEach(method -> read.method(HttpMethod.valueOf(method)));
        routes.add(read);
        read.handler(bodyReader).handler(workers.entry(consumer));
        LOG.debug("Gateway route {} guarded at {} {} (scope {})", routeId, methods, path, scope.orElse("none"));

        if (!methods.isEmpty()) {
            sharedKeys.add(share(router, "405 " + path, () -> router.route(path).order(order(WRONG_METHOD))
                    .handler(UnmatchedRequests.methodNotAllowed(() -> allowedOn(router, path)))));
        }
        RouteDefinition definition = definition(routeId);
        if (definition != null && definition.getRestDefinition() != null && definition.getRestDefinition().getPath() != null) {
            String contextPath = contextPath();
            String restPath = trimmed(definition.getRestDefinition().getPath());
            String api = contextPath + restPath;
            sharedKeys.add(share(router, "404 " + api, () -> router.route(api + "/*").order(order(NOT_FOUND))
                    .handler(UnmatchedRequests.notFound())));
            if (ALSO_UNDER_V1.equals(definition.getRestDefinition().getId())) {
                String alias = contextPath + "/v1" + restPath;
                // the alias itself and what lies under it, never a host path that merely starts like it (/v1/llmstats)
                sharedKeys.add(share(router, "alias " + alias, () -> router.route(alias).order(order(REROUTE))
                        .handler(ctx -> reroute(ctx, alias, api))));
                sharedKeys.add(share(router, "alias " + alias + "/*", () -> router.route(alias + "/*").order(order(REROUTE))
                        .handler(ctx -> reroute(ctx, alias, api))));
            }
        }
        if (MODEL_NAME_ROUTES.contains(routeId) && path.endsWith("/:id")) {
            // the REST DSL's {id} is one segment: a name sent unencoded as the rest of the path becomes that one
            // (encoded) segment; segments are still percent-encoded here, so every other escape stays as sent
            String models = path.substring(0, path.length() - ":id".length());
            routes.add(router.routeWithRegex(Pattern.quote(models) + "[^/]+/.+").order(order(REROUTE)).handler(ctx -> {
                String mount = mountPoint(ctx);
                String name = ctx.normalizedPath().substring(mount.length() + models.length());
                ctx.reroute(ctx.request().method(), mount + models + name.replace("/", "%2F"));
            }));
        }
    }

    /** A fresh order within a kind's span, so no two routes share one. */
    private int order(int kind) {
        return kind + (routesMade++ % KIND_SPAN);
    }

    private synchronized void unguard(String routeId) {
        Mount mount = mounts.remove(routeId);
        if (mount == null) {
            return;
        }
        mount.routes().forEach(Route::remove);
        for (String key : mount.sharedKeys()) {
            Shared one = shared.get(key);
            if (one != null && --one.users == 0) {
                shared.remove(key);
                one.route.remove();
            }
        }
    }

    private String share(VertxPlatformHttpRouter router, String key, java.util.function.Supplier<Route> create) {
        String scoped = router.getName() + " " + key;
        shared.computeIfAbsent(scoped, k -> new Shared(create.get())).users++;
        return scoped;
    }

    private synchronized Collection<String> allowedOn(VertxPlatformHttpRouter router, String path) {
        Set<String> allowed = new TreeSet<>();
        for (Mount mount : mounts.values()) {
            if (mount.router() == router && mount.path().equals(path)) {
                allowed.addAll(mount.methods());
            }
        }
        return allowed;
    }

    /** {@code /v1/llm/x?q} as {@code /llm/x?q}, under the context path and the server's mount point. */
    private static void reroute(RoutingContext ctx, String alias, String target) {
        String mount = mountPoint(ctx);
        String rest = ctx.normalizedPath().substring(mount.length() + alias.length());
        String query = ctx.request().query();
        ctx.reroute(ctx.request().method(), mount + target + rest + (query == null ? "" : "?" + query));
    }

    /** Where the router holding the gateway's routes is mounted on the server (camel.server.path), "" at the root. */
    private static String mountPoint(RoutingContext ctx) {
        String mount = ctx.mountPoint();
        return mount == null ? "" : trimmed(mount);
    }

    /** The router the route's consumer registers on, found as the consumer finds it. */
    private VertxPlatformHttpRouter router(PlatformHttpEndpoint endpoint) {
        PlatformHttpEngine engine = endpoint.getComponent().getEngine();
        VertxPlatformHttpRouter router = engine == null ? null : VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(engine.getServerPort()));
        return router != null ? router
                : VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.PLATFORM_HTTP_ROUTER_NAME_ZERO);
    }

    /** The consumer's path in Vert.x's syntax, as the consumer registers it. */
    static String vertxPath(PlatformHttpEndpoint endpoint) {
        String path = endpoint.getPath();
        if (endpoint.isMatchOnUriPrefix() && !path.endsWith("*")) {
            path += "*";
        }
        return PATH_PARAMETER.matcher(path).replaceAll(":$1");
    }

    /** The methods the consumer takes; empty for all of them. */
    static Set<String> methods(PlatformHttpEndpoint endpoint) {
        Set<String> methods = new TreeSet<>();
        String restrict = endpoint.getHttpMethodRestrict();
        if (restrict != null) {
            for (String method : restrict.split(",")) {
                if (!method.isBlank()) {
                    methods.add(method.trim().toUpperCase(Locale.ROOT));
                }
            }
        }
        return methods;
    }

    private RouteDefinition definition(String routeId) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        return model == null ? null : model.getRouteDefinition(routeId);
    }

    /** The REST context path as platform-http puts it in front of every REST path: "" or "/api". */
    private String contextPath() {
        RestConfiguration configuration = context.getRestConfiguration();
        String path = configuration == null ? null : configuration.getContextPath();
        return path == null ? "" : trimmed(path);
    }

    /** "/x" for "x", "/x/" or "/x"; "" for "/" or "". */
    private static String trimmed(String path) {
        String trimmed = path.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        return trimmed.isEmpty() ? "" : "/" + trimmed;
    }
}
