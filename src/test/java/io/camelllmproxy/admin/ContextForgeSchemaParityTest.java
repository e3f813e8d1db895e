package io.camelllmproxy.admin;

import io.camelllmproxy.support.ContextForgeSchema;
import io.camelllmproxy.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parity checks on the tables ContextForge created ({@code default_temperature NOT NULL DEFAULT 0.7}),
 * where a null temperature means what it means in ContextForge's own API and never reaches the column.
 */
class ContextForgeSchemaParityTest extends ContextForgeParityTest {

    @Override
    void prepare(TestDatabase database) throws Exception {
        ContextForgeSchema.create(database);
    }

    @Test
    void aNullTemperatureIsWhatContextForgesApiMakesOfIt() throws Exception {
        HttpResponse<String> refused = call("POST", "/llm/providers",
                "{\"name\":\"cf-temp-null\",\"provider_type\":\"openai\",\"default_temperature\":null}");
        assertInvalid(refused, "default_temperature");
        assertFalse(call("GET", "/llm/providers?page_size=500", null).body().contains("cf-temp-null"), "nothing was written");

        String id = provider("cf-temp", "").get("id").asText();
        assertEquals(0.7, json(call("GET", "/llm/providers/" + id, null)).get("default_temperature").asDouble(),
                "left out, it is ContextForge's default");
        assertEquals(0.7, Double.parseDouble(stored("llm_providers", id, "default_temperature")), 1e-9);

        assertEquals(0.4, json(call("PATCH", "/llm/providers/" + id, "{\"default_temperature\":0.4}"))
                .get("default_temperature").asDouble());
        HttpResponse<String> kept = call("PATCH", "/llm/providers/" + id, "{\"default_temperature\":null,\"description\":\"x\"}");
        assertEquals(200, kept.statusCode(), kept.body());
        assertEquals(0.4, json(kept).get("default_temperature").asDouble(), "null in a change leaves the value, as in ContextForge");
        assertEquals("x", json(kept).get("description").asText());
    }

    @Test
    void nullInAnyNotNullColumnIsNeverA500() throws Exception {
        String providerId = provider("cf-nulls", "").get("id").asText();
        String modelId = model(providerId, "cf-null-model", "").get("id").asText();
        for (String field : new String[] {"name", "provider_type", "config", "default_temperature", "enabled", "plugin_ids"}) {
            HttpResponse<String> patched = call("PATCH", "/llm/providers/" + providerId, "{\"" + field + "\":null}");
            assertTrue(patched.statusCode() == 200 || patched.statusCode() == 422, field + ": " + patched.body());
            HttpResponse<String> createdWithNull = call("POST", "/llm/providers",
                    "{\"name\":\"cf-null-" + field + "\",\"provider_type\":\"openai\",\"" + field + "\":null}");
            assertTrue(createdWithNull.statusCode() == 201 || createdWithNull.statusCode() == 422, field + ": " + createdWithNull.body());
        }
        for (String field : new String[] {"model_id", "model_name", "supports_chat", "supports_streaming",
                "supports_function_calling", "supports_vision", "enabled", "deprecated"}) {
            HttpResponse<String> patched = call("PATCH", "/llm/models/" + modelId, "{\"" + field + "\":null}");
            assertTrue(patched.statusCode() == 200 || patched.statusCode() == 422, field + ": " + patched.body());
        }
        assertEquals(200, call("GET", "/llm/providers/" + providerId, null).statusCode());
        assertEquals(200, call("GET", "/llm/models/" + modelId, null).statusCode());
    }

    @Test
    void rowsWeWriteHaveEveryValueContextForgesAnswersRequire() throws Exception {
        String providerId = provider("cf-readable", ",\"api_key\":\"sk-cf\"").get("id").asText();
        String modelId = model(providerId, "cf-model", "").get("id").asText();
        // ContextForge's LLMProviderResponse and LLMModelResponse need these as non-null values.
        for (String column : new String[] {"name", "slug", "provider_type", "config", "default_temperature", "enabled",
                "health_status", "plugin_ids", "created_at", "updated_at"}) {
            assertTrue(stored("llm_providers", providerId, column) != null, column);
        }
        for (String column : new String[] {"provider_id", "model_id", "model_name", "supports_chat", "supports_streaming",
                "supports_function_calling", "supports_vision", "enabled", "deprecated", "created_at", "updated_at"}) {
            assertTrue(stored("llm_models", modelId, column) != null, column);
        }
    }
}
