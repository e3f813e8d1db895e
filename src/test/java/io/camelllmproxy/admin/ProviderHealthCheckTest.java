package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider health check connects only to an address the policy checked, as the chat path does. */
class ProviderHealthCheckTest {

    @Test
    void aNameRebindingToAForbiddenAddressIsNeverConnectedTo() throws Exception {
        // "localhost" answers a public address while publicAnswers lasts, then 127.0.0.1 (forbidden here, where
        // the fake provider listens): a DNS rebinding between the check of the URL and the connection
        AtomicInteger publicAnswers = new AtomicInteger(Integer.MAX_VALUE);
        InetAddress publicAddress = InetAddress.getByAddress("localhost", new byte[] {93, (byte) 184, (byte) 216, 34});
        UpstreamAddressPolicy.HostResolver rebinding = host -> host.equals("localhost")
                ? new InetAddress[] {publicAnswers.getAndDecrement() > 0 ? publicAddress : InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1})}
                : InetAddress.getAllByName(host);
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("rebound", "openai",
                     upstream.baseUrl().replace("127.0.0.1", "localhost"), "sk-rebind-key-123", null, "{model_id: m, model_name: M}"),
                     Map.of("llm.upstream.allow-private-networks", "false"), Map.of("llm-upstream-host-resolver", rebinding))) {
            JsonNode providers = Json.MAPPER.readTree(gateway.get("/llm/providers").body());
            String id = providers.findValue("id").asText();
            for (int round = 0; round < 20; round++) {
                publicAnswers.set(1);
                HttpResponse<String> health = gateway.postJson("/llm/providers/" + id + "/health", "{}");
                assertEquals(200, health.statusCode(), health.body());
                JsonNode result = Json.MAPPER.readTree(health.body());
                assertEquals("unhealthy", result.get("status").asText(), health.body());
                String error = result.get("error").asText();
                assertTrue(error.startsWith("provider 'rebound' could not be reached"), error);
                assertFalse(error.contains("127.0.0.1") || error.contains("localhost") || error.contains("93.184"), error);
            }
            publicAnswers.set(1);
            gateway.postJson("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertTrue(upstream.receivedNothing(), "neither the health check nor the chat path connected to the rebound address");
        }
    }

    @Test
    void aHealthyProviderIsReachedThroughThePoolWithItsKey() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("fine", "openai", upstream.baseUrl(),
                     "sk-fine-key-456", null, "{model_id: m, model_name: M}"), Map.of())) {
            upstream.replyJson(200, "{\"object\":\"list\",\"data\":[]}");
            String id = Json.MAPPER.readTree(gateway.get("/llm/providers").body()).findValue("id").asText();
            JsonNode result = Json.MAPPER.readTree(gateway.postJson("/llm/providers/" + id + "/health", "{}").body());
            assertEquals("healthy", result.get("status").asText(), result.toString());
            FakeUpstream.Received received = upstream.take();
            assertEquals("/v1/models", received.path());
            assertEquals("Bearer sk-fine-key-456", received.header("Authorization"));
        }
    }
}
