package io.camelllmproxy.admin;

import io.camelllmproxy.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parity checks on our own schema, where {@code default_temperature} may be empty. */
class OwnSchemaParityTest extends ContextForgeParityTest {

    @Override
    void prepare(TestDatabase database) {
        // our migrations create the tables
    }

    @Test
    void aNullTemperatureMeansNoProviderDefault() throws Exception {
        String id = provider("temp-null", ",\"default_temperature\":null").get("id").asText();
        assertTrue(json(call("GET", "/llm/providers/" + id, null)).get("default_temperature").isNull());
        assertNull(stored("llm_providers", id, "default_temperature"));
        assertTrue(provider("temp-absent", "").get("default_temperature").isNull(), "absent is no default either");

        HttpResponse<String> set = call("PATCH", "/llm/providers/" + id, "{\"default_temperature\":0.4}");
        assertEquals(0.4, json(set).get("default_temperature").asDouble(), set.body());
        HttpResponse<String> cleared = call("PATCH", "/llm/providers/" + id, "{\"default_temperature\":null}");
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertTrue(json(cleared).get("default_temperature").isNull(), "an explicit null clears it");
        assertNull(stored("llm_providers", id, "default_temperature"));
    }
}
