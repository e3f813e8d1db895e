package io.camelllmproxy.health;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.impl.console.DefaultDevConsolesLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Camel's tooling sees of the standalone app with JMX turned on: every route as a JMX MBean under its id, the
 * developer console listing the routes (admin scope only, and without the consoles that would show a secret), and
 * the gateway's checks at {@code /observe/health}.
 */
class CamelToolingTest {

    private static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        // JMX is off by default (application.properties); this is the one setting that turns it on
        gateway = GatewayHarness.start("providers: []\n", Map.of("camel.main.jmxEnabled", "true"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void everyRouteIsAnMBeanUnderItsId() throws Exception {
        CamelContext context = gateway.camelContext();
        Set<String> routeIds = context.getRoutes().stream().map(Route::getRouteId).collect(Collectors.toSet());
        assertTrue(routeIds.stream().anyMatch(id -> id.startsWith(GatewayRoutesCheck.ROUTE_PREFIX)), routeIds.toString());

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("org.apache.camel:context="
                + context.getManagementName() + ",type=routes,*"), null);
        Set<String> managed = new HashSet<>();
        for (ObjectName name : names) {
            managed.add((String) server.getAttribute(name, "RouteId"));
        }
        assertEquals(routeIds, managed);
        for (ObjectName name : names) {
            assertEquals("Started", server.getAttribute(name, "State"), name.toString());
        }
    }

    @Test
    void theDeveloperConsoleListsTheRoutesToAdminsOnly() throws Exception {
        HttpResponse<String> routes = console("/q/dev/route", GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, routes.statusCode(), routes.body());
        Set<String> listed = new HashSet<>();
        for (JsonNode route : Json.MAPPER.readTree(routes.body()).path("route").path("routes")) {
            listed.add(route.get("routeId").asText());
        }
        Set<String> routeIds = gateway.camelContext().getRoutes().stream().map(Route::getRouteId).collect(Collectors.toSet());
        assertEquals(routeIds, listed);

        assertEquals(401, console("/q/dev/route", null).statusCode());
        String readKey = Json.MAPPER.readTree(gateway.postJson("/llm/keys",
                "{\"name\":\"reader\",\"scopes\":[\"llm.read\"]}").body()).get("key").asText();
        assertEquals(403, console("/q/dev/route", readKey).statusCode());

        // consoles that print bean properties, JVM arguments or evaluate expressions are not there
        for (String path : List.of("/q/dev/bean", "/q/dev/jvm", "/q/dev/system-properties",
                "/q/dev/eval-language?template=%7B%7Bllm.crypto.secret%7D%7D", "/q/dev/send", "/q/dev/properties")) {
            HttpResponse<String> refused = console(path, GatewayHarness.ADMIN_TOKEN);
            assertFalse(refused.body().contains(GatewayHarness.SECRET), path + ": " + refused.body());
            assertFalse(refused.body().contains(GatewayHarness.ADMIN_TOKEN), path + ": " + refused.body());
            assertTrue(refused.body().startsWith("Developer Console not found"), path + ": " + refused.body());
        }
        HttpResponse<String> all = console("/q/dev/all", GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, all.statusCode());
        for (String secret : new String[] {GatewayHarness.SECRET, GatewayHarness.ADMIN_TOKEN}) {
            assertFalse(all.body().contains(secret), "every console together shows no secret");
        }
    }

    @Test
    void theConsolesAreThoseCamelsScanWouldFindAndAllow() {
        CamelContext context = gateway.camelContext();
        Set<String> scanned = new DefaultDevConsolesLoader(context).loadDevConsoles().stream().map(DevConsole::getId)
                .filter(StandaloneDevConsoles.ALLOWED::contains).collect(Collectors.toSet());
        DevConsoleRegistry registry = context.getCamelContextExtension().getContextPlugin(DevConsoleRegistry.class);
        Set<String> registered = registry.stream().map(DevConsole::getId).collect(Collectors.toSet());
        assertTrue(scanned.contains("route") && scanned.contains("top"), scanned.toString());
        assertEquals(scanned, registered);
    }

    @Test
    void observeHealthListsTheGatewayChecks() throws Exception {
        ObserveHealthTest.awaitStatus(gateway, "/observe/health", 200);
        HttpResponse<String> health = ObserveHealthTest.probe(gateway, "/observe/health");
        assertTrue(health.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        Map<String, JsonNode> checks = ObserveHealthTest.checks(health);
        for (String id : ObserveHealthTest.GATEWAY_CHECKS) {
            assertEquals("UP", checks.get(id).get("status").asText(), id + ": " + health.body());
        }
        assertEquals(200, ObserveHealthTest.probe(gateway, "/observe/health/live").statusCode());
        assertEquals(200, ObserveHealthTest.probe(gateway, "/observe/health/ready").statusCode());
    }

    private static HttpResponse<String> console(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Accept", "application/json").GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
