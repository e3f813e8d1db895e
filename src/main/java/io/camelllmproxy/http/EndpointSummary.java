package io.camelllmproxy.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The start-up list of what the server answers, one line per path with every method, read from the HTTP
 * router itself. It replaces Camel's summary, which keeps one method per path (its endpoint set is keyed by
 * path) and is switched off in log4j2.properties.
 */
public final class EndpointSummary {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointSummary.class);

    private EndpointSummary() {
    }

    /** "GET, POST  /llm/providers" and the like, sorted by path. */
    public static List<String> lines(Router router) {
        Map<String, Set<String>> methods = new TreeMap<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() != null && route.methods() != null && !route.methods().isEmpty()) {
                // Vert.x writes path parameters as :id; the API and its document say {id}
                String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}")
                        // a prefix route (Camel's /q/dev/*) keeps its star, else it reads like a path of its own
                        + (!route.isExactPath() && route.getPath().length() > 1 && route.getPath().endsWith("/") ? "*" : "");
                Set<String> verbs = methods.computeIfAbsent(path, p -> new TreeSet<>());
                route.methods().stream().map(HttpMethod::name).forEach(verbs::add);
            }
        }
        int width = methods.values().stream().mapToInt(v -> String.join(", ", v).length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        methods.forEach((path, verbs) -> lines.add(String.format("%-" + width + "s  %s", String.join(", ", verbs), path)));
        return lines;
    }

    static void log(Router router, int port) {
        LOG.info("HTTP endpoints on port {} (/llm/... is served under /v1/llm/... too):", port);
        lines(router).forEach(line -> LOG.info("    {}", line));
    }
}
