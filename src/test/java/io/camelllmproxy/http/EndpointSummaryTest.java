package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up endpoint list names every method of every path (Camel's own summary kept one per path):
 * exactly the operations of /openapi.json, plus /health, the document itself and Camel's management endpoints.
 */
class EndpointSummaryTest {

    static LogCapture capture;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        // opened first, so it sees the start-up lines whatever the test log levels are
        capture = LogCapture.of(EndpointSummary.class, Level.INFO);
        gateway = GatewayHarness.start("providers: []\n", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        capture.close();
    }

    @Test
    void everyMethodOfEveryPathIsListedOnce() throws Exception {
        Map<String, Set<String>> listed = new TreeMap<>();
        List<String> logged = capture.lines().stream().map(LogCapture.Line::message).toList();
        assertTrue(logged.size() > 1 && logged.get(0).startsWith("HTTP endpoints on port"), logged.toString());
        assertEquals(EndpointSummary.lines(router()), logged.subList(1, logged.size()).stream().map(String::trim).toList(),
                "logged at start-up, once the routes were on the router");
        for (String line : logged.subList(1, logged.size())) {
            String[] parts = line.trim().split("\\s{2,}");
            assertEquals(2, parts.length, line);
            Set<String> verbs = new TreeSet<>(Arrays.asList(parts[0].split(", ")));
            assertEquals(null, listed.put(parts[1], verbs), "one line per path: " + line);
        }

        Map<String, Set<String>> expected = new TreeMap<>();
        JsonNode paths = Json.MAPPER.readTree(gateway.get("/openapi.json").body()).path("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            Set<String> verbs = new TreeSet<>();
            path.getValue().fieldNames().forEachRemaining(m -> verbs.add(m.toUpperCase()));
            expected.put(path.getKey(), verbs);
        }
        expected.put("/health", Set.of("GET"));
        expected.put("/openapi.json", Set.of("GET"));
        // Camel's management endpoints of the standalone application.properties
        for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready", "/observe/metrics", "/q/dev", "/q/dev/*")) {
            expected.put(path, Set.of("GET"));
        }
        assertEquals(expected, listed);
        assertEquals(Set.of("DELETE", "GET", "PATCH"), listed.get("/llm/providers/{id}"), "several methods on one path");
    }

    private static VertxPlatformHttpRouter router() {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(gateway.camelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(Integer.parseInt(gateway.url("").replaceAll(".*:", ""))));
        return router != null ? router : VertxPlatformHttpRouter.lookup(gateway.camelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(0));
    }
}
