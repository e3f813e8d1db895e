package io.camelllmproxy.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a gateway key may do. {@code admin} implies the others. */
public final class Scopes {

    /** Chat completions. */
    public static final String INVOKE = "llm.invoke";
    /** The model list and the OpenAPI document. */
    public static final String READ = "llm.read";
    /** The Prometheus scrape at {@code /observe/metrics}: a scraper's key needs nothing else. */
    public static final String METRICS = "metrics";
    /** The admin API, and anything else of the gateway's. */
    public static final String ADMIN = "admin";

    public static final List<String> ALL = List.of(INVOKE, READ, METRICS, ADMIN);

    /**
     * The scope of each gateway route served over HTTP that needs less than {@code admin}, by route id. The route
     * that serves a request decides, never its path, so a host's REST context path cannot move an endpoint out
     * of its scope; a route missing here (a new one, one a user adds) needs {@code admin}. A REST verb's route is
     * named twice: when Camel inlines the route the verb calls (REST DSL inlineRoutes, on by default) the serving
     * route carries that route's id.
     */
    private static final Map<String, Optional<String>> BY_ROUTE = Map.of(
            "llm-chat-completions-rest", Optional.of(INVOKE),
            "llm-http-chat-completions", Optional.of(INVOKE),
            "llm-list-models-rest", Optional.of(READ),
            "llm-list-models", Optional.of(READ),
            "llm-retrieve-model-rest", Optional.of(READ),
            "llm-retrieve-model", Optional.of(READ),
            "llm-openapi-document", Optional.of(READ),
            // load balancers and orchestrators probe it without a key
            "llm-health", Optional.empty());

    private Scopes() {
    }

    /** The scope a request served by {@code routeId} needs; empty when the route is open to anyone. */
    public static Optional<String> requiredBy(String routeId) {
        return BY_ROUTE.getOrDefault(routeId, Optional.of(ADMIN));
    }
}
