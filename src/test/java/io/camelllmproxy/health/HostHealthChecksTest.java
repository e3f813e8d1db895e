package io.camelllmproxy.health;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.CamelHost;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A host that takes the gateway in gets its checks in the context's health registry without a setting of ours,
 * and through its own health endpoint when it turns one on; the gateway turns on no endpoint nor console itself.
 */
class HostHealthChecksTest {

    @Test
    void theChecksAreInTheHostsRegistryAndNoEndpointIsOpenedForIt() throws Exception {
        try (CamelHost host = CamelHost.start("providers: []\n", Map.of())) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<String, HealthCheck.State> states = gatewayStates(HealthCheckHelper.invokeReadiness(host.camelContext(), "full"));
                for (String id : ObserveHealthTest.GATEWAY_CHECKS) {
                    assertEquals(HealthCheck.State.UP, states.get(id), id + ": " + states);
                }
            });
            assertFalse(host.camelContext().isDevConsole(), "the developer console is the host's choice");
            assertNull(host.camelContext().hasService(ManagementHttpServer.class), "no management endpoint of ours");
            assertNotEquals(200, host.send("GET", "/observe/health", null, null).statusCode());
        }
    }

    @Test
    void aHostsOwnHealthEndpointShowsThem() throws Exception {
        try (CamelHost host = CamelHost.start("providers: []\n", Map.of(
                "camel.management.enabled", "true",
                "camel.management.port", "{{camel.server.port}}",
                "camel.management.healthCheckEnabled", "true",
                "camel.health.exposureLevel", "full"))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> ready = host.send("GET", "/observe/health/ready", null, null);
                assertEquals(200, ready.statusCode(), ready.body());
                Map<String, JsonNode> checks = ObserveHealthTest.checks(ready);
                for (String id : ObserveHealthTest.GATEWAY_CHECKS) {
                    assertEquals("UP", checks.get(id).get("status").asText(), id + ": " + ready.body());
                }
            });
        }
    }

    private static Map<String, HealthCheck.State> gatewayStates(Collection<HealthCheck.Result> results) {
        return results.stream().filter(r -> r.getCheck().getId().startsWith("llm-"))
                .collect(Collectors.toMap(r -> r.getCheck().getId(), HealthCheck.Result::getState));
    }
}
