package io.camelllmproxy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An admin write is visible to the very next request and never undone by an older snapshot, while the timer
 * reloads every 5 ms over a registry large enough that a reload takes a while: the race the timer used to win.
 */
class KeyRingReloadTest {

    static final int FILLER_KEYS = 3000;

    @Test
    void createdKeysWorkAndRevokedKeysFailOnTheNextRequestWhileTheTimerReloads() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", "http://127.0.0.1:9/v1", null,
                null, "{model_id: m, model_name: M}"), Map.of("llm.registry.refresh-ms", "5"))) {
            insertFillerKeys(gateway);
            List<String> stale = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                HttpResponse<String> created = gateway.send("POST", "/llm/keys", "{\"name\":\"race-" + i + "\",\"scopes\":[\"llm.read\"]}",
                        GatewayHarness.ADMIN_TOKEN);
                assertEquals(201, created.statusCode(), created.body());
                JsonNode key = Json.MAPPER.readTree(created.body());
                int firstUse = gateway.send("GET", "/v1/models", null, key.get("key").asText()).statusCode();
                if (firstUse != 200) {
                    stale.add("new key " + i + " answered " + firstUse);
                }
                assertEquals(204, gateway.send("DELETE", "/llm/keys/" + key.get("id").asText(), null, GatewayHarness.ADMIN_TOKEN).statusCode());
                int afterRevoke = gateway.send("GET", "/v1/models", null, key.get("key").asText()).statusCode();
                if (afterRevoke != 401) {
                    stale.add("revoked key " + i + " answered " + afterRevoke);
                }
            }
            assertEquals(List.of(), stale, "stale outcomes");
        }
    }

    @Test
    void modelWritesAreVisibleToTheNextRequestWhileTheTimerReloads() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", "http://127.0.0.1:9/v1", null,
                null, "{model_id: m, model_name: M}"), Map.of("llm.registry.refresh-ms", "5"))) {
            insertFillerKeys(gateway);
            String providerId = Json.MAPPER.readTree(gateway.get("/llm/providers").body()).findValue("id").asText();
            List<String> stale = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                HttpResponse<String> created = gateway.postJson("/llm/models", "{\"provider_id\":\"" + providerId
                        + "\",\"model_id\":\"race-" + i + "\",\"model_name\":\"Race " + i + "\"}");
                assertEquals(201, created.statusCode(), created.body());
                if (!gateway.get("/v1/models").body().contains("\"race-" + i + "\"")) {
                    stale.add("model race-" + i + " missing after create");
                }
                String rowId = Json.MAPPER.readTree(created.body()).get("id").asText();
                assertEquals(204, gateway.send("DELETE", "/llm/models/" + rowId, null, GatewayHarness.ADMIN_TOKEN).statusCode());
                if (gateway.get("/v1/models").body().contains("\"race-" + i + "\"")) {
                    stale.add("model race-" + i + " listed after delete");
                }
            }
            assertEquals(List.of(), stale, "stale outcomes");
        }
    }

    /** Thousands of keys make every reload read for a while, which is what opened the race. */
    static void insertFillerKeys(GatewayHarness gateway) throws Exception {
        try (Connection c = gateway.database().connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO llm_api_keys (id, name, key_hash, key_prefix, scopes, enabled) "
                     + "VALUES (?, ?, ?, ?, 'llm.read', TRUE)")) {
            for (int i = 0; i < FILLER_KEYS; i++) {
                String id = UUID.randomUUID().toString().replace("-", "");
                insert.setString(1, id);
                insert.setString(2, "filler-" + i);
                insert.setString(3, ApiKeys.hashHex("filler-" + id));
                insert.setString(4, "sk-llmp-fill");
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
