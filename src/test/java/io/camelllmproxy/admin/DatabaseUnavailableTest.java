package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.ProxiedDatabase;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the registry database gone, the admin API answers 503 database_unavailable within the pool's
 * connection timeout, and chat keeps serving from the registry held in memory.
 */
class DatabaseUnavailableTest {

    private static final String CHAT = "{\"model\":\"m\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @Test
    void adminAnswers503AndChatKeepsWorking() throws Exception {
        try (ProxiedDatabase database = ProxiedDatabase.start();
             FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     null, null, "{model_id: m, model_name: M}"), database.settings(Map.of(
                     // small, so the test does not wait the production timeout on every admin call
                     "llm.db.connection-timeout-ms", "500")))) {
            assertEquals(200, gateway.get("/llm/providers").statusCode());
            String providerId = Json.MAPPER.readTree(gateway.get("/llm/providers").body()).get("providers").get(0).get("id").asText();
            String modelId = Json.MAPPER.readTree(gateway.get("/llm/models").body()).get("models").get(0).get("id").asText();

            database.proxy().cut();

            assertUnavailable(gateway.get("/llm/providers"));
            assertUnavailable(gateway.get("/llm/models"));
            assertUnavailable(gateway.postJson("/llm/models", "{\"provider_id\":\"" + providerId + "\",\"model_id\":\"n\",\"model_name\":\"N\"}"));
            assertUnavailable(gateway.send("DELETE", "/llm/providers/" + providerId, null, GatewayHarness.ADMIN_TOKEN));
            assertUnavailable(gateway.postJson("/llm/keys", "{\"name\":\"k\"}"));
            // default_temperature needs the schema's nullability, read on first use: an outage then is a 503 too
            assertUnavailable(gateway.postJson("/llm/providers", "{\"name\":\"t\",\"provider_type\":\"openai\","
                    + "\"default_temperature\":0.5}"));
            assertUnavailable(gateway.send("PATCH", "/llm/providers/" + providerId, "{\"default_temperature\":0.5}",
                    GatewayHarness.ADMIN_TOKEN));
            assertUnavailable(gateway.send("PATCH", "/llm/models/" + modelId, "{\"model_name\":\"N2\"}",
                    GatewayHarness.ADMIN_TOKEN));
            assertUnavailable(gateway.send("POST", "/llm/providers/" + providerId + "/state?activate=false", null,
                    GatewayHarness.ADMIN_TOKEN));
            assertUnavailable(gateway.send("POST", "/llm/providers/" + providerId + "/health", null, GatewayHarness.ADMIN_TOKEN));
            assertUnavailable(gateway.get("/llm/gateway/models"));
            assertUnavailable(gateway.get("/llm/keys"));

            upstream.replyJson(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}");
            assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT.formatted(false)).statusCode());
            upstream.replySse(List.of("{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}", "[DONE]"), 0);
            GatewayHarness.StreamedResponse stream = gateway.postStreaming(CHAT.formatted(true));
            assertEquals(200, stream.status());
            assertTrue(stream.data().contains("[DONE]"), "the stream completes: " + stream.data());
        }
    }

    private static void assertUnavailable(HttpResponse<String> response) throws Exception {
        assertEquals(503, response.statusCode(), response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals("database_unavailable", error.get("code").asText());
        assertTrue(response.headers().firstValue("retry-after").isPresent(), "a Retry-After tells when to try again");
    }
}
