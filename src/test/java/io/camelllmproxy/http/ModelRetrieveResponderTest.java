package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /v1/models/{id}}: OpenAI's model object for every name a chat request may use, '/' included. */
class ModelRetrieveResponderTest {

    static GatewayHarness gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        String registry = "providers:\n"
                + provider("first", "openai_compatible", "http://127.0.0.1:9/v1", null, null,
                "{model_id: gpt-4o-mini, model_name: GPT-4o mini, model_alias: fast}",
                "{model_id: meta-llama/Llama-3-8b, model_name: Llama}",
                "{model_id: shared, model_name: Shared}",
                "{model_id: sleeping, model_name: Sleeping, enabled: false}",
                "{model_id: embedder, model_name: Embedder, supports_chat: false}")
                + provider("second", "groq", "http://127.0.0.1:9/v1", null, null, "{model_id: shared, model_name: Shared too}");
        gateway = GatewayHarness.start(registry, Map.of());
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.url("/v1")).apiKey(GatewayHarness.ADMIN_TOKEN).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
    }

    @Test
    void everyListedModelRetrievesAsListed() throws Exception {
        JsonNode list = Json.MAPPER.readTree(gateway.get("/v1/models").body()).path("data");
        assertTrue(list.size() >= 4, list.toString());
        for (JsonNode listed : list) {
            String id = listed.path("id").asText();
            HttpResponse<String> one = gateway.get("/v1/models/" + id.replace("/", "%2F"));
            assertEquals(200, one.statusCode(), id + ": " + one.body());
            assertEquals(listed, Json.MAPPER.readTree(one.body()));
        }
    }

    /** The listing hides them, as ContextForge's does; chat still resolves them, so retrieving them works too. */
    @Test
    void aModelMarkedNotForChatIsUnlistedYetRetrievable() throws Exception {
        JsonNode list = Json.MAPPER.readTree(gateway.get("/v1/models").body()).path("data");
        assertFalse(list.findValuesAsText("id").contains("embedder"), list.toString());
        HttpResponse<String> one = gateway.get("/v1/models/embedder");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("embedder", Json.MAPPER.readTree(one.body()).path("id").asText());
        assertEquals("embedder", client.models().retrieve("embedder").id());
    }

    @Test
    void aliasRowNameAndQualifiedNamesAnswerInOpenAiShape() throws Exception {
        for (String path : new String[] {"fast", "first%2Fgpt-4o-mini", "first/gpt-4o-mini", "first%2fgpt-4o-mini"}) {
            HttpResponse<String> response = gateway.get("/v1/models/" + path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
            JsonNode model = Json.MAPPER.readTree(response.body());
            assertEquals(path.replace("%2F", "/").replace("%2f", "/"), model.path("id").asText());
            assertEquals("model", model.path("object").asText());
            assertEquals("first", model.path("owned_by").asText());
            assertTrue(model.path("created").isIntegralNumber() && model.path("created").asLong() > 1_600_000_000L, response.body());
            assertEquals(4, model.size(), "only OpenAI's fields: " + response.body());
        }
    }

    @Test
    void idsWithSlashesWorkEncodedAndAsThePathRemainder() throws Exception {
        for (String path : new String[] {"meta-llama/Llama-3-8b", "meta-llama%2FLlama-3-8b", "first/meta-llama/Llama-3-8b"}) {
            HttpResponse<String> response = gateway.get("/v1/models/" + path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertEquals(path.replace("%2F", "/"), Json.MAPPER.readTree(response.body()).path("id").asText());
        }
    }

    @Test
    void unknownDisabledAndAmbiguousNamesAreOpenAiErrors() throws Exception {
        assertError(gateway.get("/v1/models/no-such-model"), 404, "model_not_found", "does not exist");
        assertError(gateway.get("/v1/models/sleeping"), 404, "model_not_found", "disabled");
        assertError(gateway.get("/v1/models/nobody/no-such-model"), 404, "model_not_found", "does not exist");
        assertError(gateway.get("/v1/models/shared"), 400, "model_ambiguous", "second/shared");
    }

    @Test
    void needsAKey() throws Exception {
        HttpResponse<String> response = gateway.send("GET", "/v1/models/fast", null, null);
        assertError(response, 401, "invalid_api_key", "");
    }

    @Test
    void theOfficialSdkRetrievesModels() {
        Model model = client.models().retrieve("first/meta-llama/Llama-3-8b");
        assertEquals("first/meta-llama/Llama-3-8b", model.id());
        assertEquals("first", model.ownedBy());
        assertEquals("fast", client.models().retrieve("fast").id());
        NotFoundException missing = assertThrows(NotFoundException.class, () -> client.models().retrieve("no-such-model"));
        assertFalse(missing.getMessage().isEmpty());
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String messagePart) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
        assertEquals(code, error.path("code").asText(), response.body());
        assertTrue(error.path("message").asText().contains(messagePart), response.body());
        assertTrue(error.has("type") && error.has("param"), response.body());
    }
}
