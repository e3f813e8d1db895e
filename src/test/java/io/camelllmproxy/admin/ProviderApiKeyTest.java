package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code "api_key": ""} means "no key" in the admin API, as it does in the bootstrap file: stored as NULL. */
class ProviderApiKeyTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers: []\n", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void anEmptyKeyAtCreateIsNoKey() throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/providers", "{\"name\":\"keyless\",\"provider_type\":\"openai_compatible\","
                + "\"api_base\":\"" + upstream.baseUrl() + "\",\"api_key\":\"\"}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode provider = Json.MAPPER.readTree(created.body());
        assertFalse(provider.path("api_key_set").asBoolean(true), created.body());
        assertNull(storedKey(provider.path("id").asText()));

        HttpResponse<String> model = gateway.send("POST", "/llm/models", "{\"provider_id\":\"" + provider.path("id").asText()
                + "\",\"model_id\":\"keyless-model\",\"model_name\":\"Keyless\"}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, model.statusCode(), model.body());
        upstream.clearReceived();
        upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[]}");
        HttpResponse<String> chat = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"keyless-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, chat.statusCode(), chat.body());
        assertNull(upstream.take().header("Authorization"), "no key, no Authorization header");
    }

    @Test
    void anEmptyKeyInAPatchClearsTheStoredKey() throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/providers", "{\"name\":\"keyed\",\"provider_type\":\"openai\","
                + "\"api_base\":\"" + upstream.baseUrl() + "\",\"api_key\":\"sk-to-be-cleared\"}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        String id = Json.MAPPER.readTree(created.body()).path("id").asText();
        assertTrue(storedKey(id) != null);

        HttpResponse<String> patched = gateway.send("PATCH", "/llm/providers/" + id, "{\"api_key\":\"\"}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, patched.statusCode(), patched.body());
        assertFalse(Json.MAPPER.readTree(patched.body()).path("api_key_set").asBoolean(true), patched.body());
        assertNull(storedKey(id));
    }

    @Test
    void aBlankKeyIsStillRefused() throws Exception {
        HttpResponse<String> refused = gateway.send("POST", "/llm/providers", "{\"name\":\"blank\",\"provider_type\":\"openai\","
                + "\"api_key\":\"   \"}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(422, refused.statusCode(), refused.body());
        assertEquals("api_key", Json.MAPPER.readTree(refused.body()).path("error").path("fields").path(0).path("field").asText(),
                refused.body());
    }

    private static String storedKey(String providerId) throws Exception {
        try (Connection c = gateway.database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT api_key FROM llm_providers WHERE id = ?")) {
            ps.setString(1, providerId);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "provider row " + providerId);
                return rs.getString(1);
            }
        }
    }
}
