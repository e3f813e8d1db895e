package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.crypto.CredentialCipher;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API over HTTP against a real database: CRUD, codes, masking, and changes served at once. */
class AdminApiTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static final String KEY = GatewayHarness.ADMIN_TOKEN;

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

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return gateway.send(method, path, body, KEY);
    }

    String createProvider(String name, String extra) throws Exception {
        HttpResponse<String> created = call("POST", "/llm/providers", "{\"name\":\"" + name + "\",\"provider_type\":\"openai_compatible\","
                + "\"api_base\":\"" + upstream.baseUrl() + "\"" + extra + "}");
        assertEquals(201, created.statusCode(), created.body());
        return json(created).get("id").asText();
    }

    @Test
    void providersAreCreatedReadUpdatedAndDeletedWithTheReferenceCodes() throws Exception {
        HttpResponse<String> created = call("POST", "/llm/providers", "{\"name\":\"crud-one\",\"provider_type\":\"openai\","
                + "\"api_base\":\"" + upstream.baseUrl() + "\",\"api_key\":\"sk-crud-secret\",\"description\":\"first\","
                + "\"default_temperature\":0.0,\"config\":{\"deployment_name\":\"d1\",\"client_secret\":\"s3cr3t\"}}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode provider = json(created);
        String id = provider.get("id").asText();
        assertEquals(32, id.length());
        assertEquals("crud-one", provider.get("slug").asText());
        assertTrue(provider.get("api_key_set").asBoolean());
        assertFalse(provider.has("api_key"));
        assertFalse(created.body().contains("sk-crud-secret") || created.body().contains("s3cr3t"));
        assertEquals("*****", provider.get("config").get("client_secret").asText());
        assertEquals("d1", provider.get("config").get("deployment_name").asText());
        assertEquals(0.0, provider.get("default_temperature").asDouble());

        assertEquals(409, call("POST", "/llm/providers", "{\"name\":\"crud-one\",\"provider_type\":\"openai\"}").statusCode());
        assertEquals(200, call("GET", "/llm/providers/" + id, null).statusCode());
        assertEquals(404, call("GET", "/llm/providers/nope", null).statusCode());

        String storedKey = storedKey(id);
        HttpResponse<String> patched = call("PATCH", "/llm/providers/" + id, "{\"description\":null,\"api_key\":\"*****\","
                + "\"config\":{\"deployment_name\":\"d2\",\"client_secret\":\"*****\"},\"default_max_tokens\":64}");
        assertEquals(200, patched.statusCode(), patched.body());
        assertTrue(json(patched).get("description").isNull(), "an explicit null clears the field");
        assertEquals(64, json(patched).get("default_max_tokens").asInt());
        assertEquals(storedKey, storedKey(id), "***** keeps the stored key as it was");
        assertEquals("sk-crud-secret", new CredentialCipher(GatewayHarness.SECRET).decryptApiKey(storedKey(id)));
        String config = storedConfig(id);
        assertTrue(config.contains("_mcpgateway_encrypted_value_v1") && !config.contains("s3cr3t"), config);
        assertTrue(config.contains("d2"), config);

        String other = createProvider("crud-two", "");
        assertEquals(409, call("PATCH", "/llm/providers/" + other, "{\"name\":\"crud-one\"}").statusCode());
        assertEquals(204, call("DELETE", "/llm/providers/" + other, null).statusCode());
        assertEquals(404, call("DELETE", "/llm/providers/" + other, null).statusCode());

        HttpResponse<String> page = call("GET", "/v1/llm/providers?page=1&page_size=1", null);
        assertEquals(200, page.statusCode(), "the same API answers under /v1/llm");
        assertEquals(1, json(page).get("providers").size());
        assertTrue(json(page).get("total").asInt() >= 1);
        assertEquals(422, call("GET", "/llm/providers?page_size=501", null).statusCode());
    }

    @Test
    void aModelAddedThroughTheApiIsServedByTheNextChatRequest() throws Exception {
        String providerId = createProvider("served-now", ",\"api_key\":\"sk-upstream-now\"");
        HttpResponse<String> model = call("POST", "/llm/models", "{\"provider_id\":\"" + providerId + "\",\"model_id\":\"now-model\","
                + "\"model_name\":\"Now\",\"model_alias\":\"now\"}");
        assertEquals(201, model.statusCode(), model.body());
        String modelRow = json(model).get("id").asText();
        assertEquals("served-now", json(model).get("provider_name").asText());
        assertEquals(409, call("POST", "/llm/models", "{\"provider_id\":\"" + providerId + "\",\"model_id\":\"now-model\","
                + "\"model_name\":\"Again\"}").statusCode());
        assertEquals(404, call("POST", "/llm/models", "{\"provider_id\":\"missing\",\"model_id\":\"x\",\"model_name\":\"X\"}").statusCode());

        upstream.replyJson(200, "{\"ok\":true}");
        String chat = "{\"model\":\"now\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertEquals(200, gateway.postJson("/v1/chat/completions", chat).statusCode());
        FakeUpstream.Received received = upstream.take();
        assertEquals("Bearer sk-upstream-now", received.header("Authorization"));
        assertEquals("now-model", Json.MAPPER.readTree(received.body()).get("model").asText());

        assertEquals(200, call("POST", "/llm/models/" + modelRow + "/state?activate=false", null).statusCode());
        assertEquals(404, gateway.postJson("/v1/chat/completions", chat).statusCode(), "disabled at once");
        assertEquals(200, call("POST", "/llm/models/" + modelRow + "/state?activate=true", null).statusCode());
        assertEquals(200, call("POST", "/llm/providers/" + providerId + "/state?activate=false", null).statusCode());
        assertEquals(404, gateway.postJson("/v1/chat/completions", chat).statusCode(), "its provider disabled at once");
        assertEquals(422, call("POST", "/llm/providers/" + providerId + "/state?activate=maybe", null).statusCode());
        assertEquals(200, call("POST", "/llm/providers/" + providerId + "/state?activate=true", null).statusCode());

        HttpResponse<String> list = call("GET", "/llm/models?provider_id=" + providerId + "&enabled_only=true", null);
        assertEquals(1, json(list).get("models").size());
        HttpResponse<String> served = call("GET", "/llm/gateway/models", null);
        assertTrue(served.body().contains("now-model"));
        assertEquals(200, call("PATCH", "/llm/models/" + modelRow, "{\"model_alias\":null}").statusCode());
        assertEquals(404, gateway.postJson("/v1/chat/completions", chat).statusCode(), "the alias was cleared");
        assertEquals(204, call("DELETE", "/llm/providers/" + providerId, null).statusCode());
        assertEquals(404, call("GET", "/llm/models/" + modelRow, null).statusCode(), "models go with their provider");
    }

    @Test
    void healthChecksProveTheKeyAgainstTheProvider() throws Exception {
        String id = createProvider("health-one", ",\"api_key\":\"sk-health\"");
        upstream.replyJson(200, "{\"object\":\"list\",\"data\":[]}");
        HttpResponse<String> healthy = call("POST", "/llm/providers/" + id + "/health", null);
        assertEquals(200, healthy.statusCode(), healthy.body());
        assertEquals("healthy", json(healthy).get("status").asText());
        FakeUpstream.Received check = upstream.take();
        assertEquals("GET", check.method());
        assertEquals("/v1/models", check.path());
        assertEquals("Bearer sk-health", check.header("Authorization"));

        upstream.replyJson(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-health\"}}");
        JsonNode unhealthy = json(call("POST", "/llm/providers/" + id + "/health", null));
        assertEquals("unhealthy", unhealthy.get("status").asText());
        assertFalse(unhealthy.toString().contains("sk-health"), "the key is masked in the reported error");
        upstream.take();
        assertEquals("unhealthy", json(call("GET", "/llm/providers/" + id, null)).get("health_status").asText());
    }

    @Test
    void theOpenApiDocumentDescribesTheWholeApi() throws Exception {
        HttpResponse<String> doc = call("GET", "/openapi.json", null);
        assertEquals(200, doc.statusCode());
        JsonNode paths = json(doc).get("paths");
        for (String path : new String[] {"/v1/chat/completions", "/v1/models", "/llm/providers", "/llm/providers/{id}",
                "/llm/models", "/llm/keys", "/llm/keys/{id}", "/llm/gateway/models"}) {
            assertTrue(paths.has(path), path + " in " + paths.fieldNames());
        }
    }

    String storedKey(String id) throws Exception {
        return column(id, "api_key");
    }

    String storedConfig(String id) throws Exception {
        return column(id, "config");
    }

    String column(String id, String column) throws Exception {
        try (Connection c = gateway.database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM llm_providers WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
