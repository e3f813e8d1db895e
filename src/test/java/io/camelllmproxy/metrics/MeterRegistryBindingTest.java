package io.camelllmproxy.metrics;

import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedded in a Camel application, the gateway's meters go to the host's MeterRegistry (the one camel-micrometer
 * would use), never to Micrometer's global registry; a host without one gets no meters and no endpoint.
 */
class MeterRegistryBindingTest {

    static final String ANSWER = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}}";

    @Test
    void theHostsRegistryGetsTheGatewaysMeters() throws Exception {
        SimpleMeterRegistry hostMeters = new SimpleMeterRegistry();
        try (FakeUpstream upstream = new FakeUpstream();
             CamelHost host = CamelHost.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), "sk-host",
                     null, "{model_id: m}"), Map.of(), Map.of("hostMeters", hostMeters))) {
            upstream.replyJson(200, ANSWER);
            HttpResponse<String> chat = host.send("POST", CamelHost.CONTEXT_PATH + "/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", GatewayHarness.ADMIN_TOKEN);
            assertEquals(200, chat.statusCode(), chat.body());
            // the cost is the last meter a finished request touches
            await("the request is counted in the host's registry").atMost(30, SECONDS)
                    .until(() -> hostMeters.find(GenAiMetrics.COST).counter() != null);
            assertEquals(1.0, hostMeters.get(GenAiMetrics.REQUESTS).tag("model", "m").tag("provider", "p")
                    .tag("status", "200").counter().count());
            assertEquals(3.0, hostMeters.get(GenAiMetrics.TOKENS).tag("type", "output").counter().count(),
                    () -> hostMeters.getMetersAsString());
            assertEquals(1.0, hostMeters.get(UpstreamAttempts.ATTEMPTS).tag("outcome", "success").counter().count());
            assertTrue(hostMeters.find(ActiveStreams.ACTIVE).gauge() != null);
            assertNull(Metrics.globalRegistry.find(GenAiMetrics.REQUESTS).counter(), "nothing in the global registry");
            // the host turned on no metrics endpoint: the gateway adds none
            assertEquals(404, host.send("GET", "/observe/metrics", null, GatewayHarness.ADMIN_TOKEN).statusCode());
        }
    }
}
