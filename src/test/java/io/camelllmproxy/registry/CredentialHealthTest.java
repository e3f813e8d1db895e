package io.camelllmproxy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stored provider keys that do not decrypt with the configured secret (keys written under another
 * AUTH_ENCRYPTION_SECRET) are logged once by provider name and make /health DOWN while their provider is
 * enabled; fixing or disabling the provider through the admin API makes it UP again.
 */
class CredentialHealthTest {

    static final String OTHER_SECRET = "another-encryption-secret";
    static final String BAD_KEY = "sk-written-under-another-secret";

    @Test
    void unreadableKeysAreLoggedOnceAndReportedByHealth() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n"
                     + provider("good", "openai", upstream.baseUrl(), "sk-good", null, "{model_id: g, model_name: G}")
                     + provider("bad", "openai", upstream.baseUrl(), "sk-bad", null, "{model_id: b, model_name: B}"), Map.of());
             LogCapture log = LogCapture.of(CredentialHealth.class, Level.INFO)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.get("/health").statusCode() == 200);
            assertEquals("UP", json(gateway.get("/health")).get("status").asText());

            // the key as another secret encrypted it: what a wrong AUTH_ENCRYPTION_SECRET looks like
            try (Connection db = gateway.database().connect();
                 PreparedStatement update = db.prepareStatement("UPDATE llm_providers SET api_key = ? WHERE name = 'bad'")) {
                update.setString(1, new CredentialCipher(OTHER_SECRET).encryptApiKey(BAD_KEY));
                assertEquals(1, update.executeUpdate());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.get("/health").statusCode() == 503);
            HttpResponse<String> down = gateway.get("/health");
            assertTrue(down.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            JsonNode body = json(down);
            assertEquals("DOWN", body.get("status").asText());
            assertEquals(List.of("bad"), names(body));
            assertTrue(body.get("unreadable_credentials").get(0).get("enabled").asBoolean());

            // further reloads (each admin write reloads before it answers) do not repeat the error
            gateway.postJson("/llm/keys", "{\"name\":\"reload-1\",\"scopes\":[\"llm.read\"]}");
            gateway.postJson("/llm/keys", "{\"name\":\"reload-2\",\"scopes\":[\"llm.read\"]}");
            List<String> errors = log.texts().stream().filter(l -> l.startsWith("ERROR")).toList();
            assertEquals(1, errors.size(), "one ERROR line: " + log.texts());
            assertTrue(errors.get(0).contains("'bad'") && errors.get(0).contains("AUTH_ENCRYPTION_SECRET"), errors.get(0));

            String badId = providerId(gateway, "bad");
            gateway.postJson("/llm/providers/" + badId + "/state?activate=false", "");
            JsonNode disabled = json(gateway.get("/health"));
            assertEquals("UP", disabled.get("status").asText(), "a disabled provider does not hold the gateway back");
            assertFalse(disabled.get("unreadable_credentials").get(0).get("enabled").asBoolean());

            gateway.postJson("/llm/providers/" + badId + "/state?activate=true", "");
            assertEquals(503, gateway.get("/health").statusCode());
            HttpResponse<String> fixed = gateway.send("PATCH", "/llm/providers/" + badId, "{\"api_key\":\"sk-bad-new\"}",
                    GatewayHarness.ADMIN_TOKEN);
            assertEquals(200, fixed.statusCode(), fixed.body());
            JsonNode up = json(gateway.get("/health"));
            assertEquals("UP", up.get("status").asText(), up.toString());
            assertFalse(up.has("unreadable_credentials"), up.toString());

            for (String line : log.texts()) {
                for (String secret : new String[] {OTHER_SECRET, GatewayHarness.SECRET, BAD_KEY, "sk-bad-new", "sk-good"}) {
                    assertFalse(line.contains(secret), "the log holds a secret: " + line);
                }
            }
            assertFalse(down.body().contains(BAD_KEY) || down.body().contains(GatewayHarness.SECRET), down.body());
        }
    }

    @Test
    void anOlderReadNeverUndoesANewerOneNorRepeatsItsLogLines() throws Exception {
        CredentialCipher cipher = new CredentialCipher(GatewayHarness.SECRET);
        List<Map<String, Object>> bad = List.of(row("p", new CredentialCipher(OTHER_SECRET).encryptApiKey(BAD_KEY)));
        List<Map<String, Object>> good = List.of(row("p", cipher.encryptApiKey("sk-fixed")));
        CredentialHealth health = new CredentialHealth(cipher);
        try (LogCapture log = LogCapture.of(CredentialHealth.class, Level.INFO)) {
            health.refresh(bad, 2);
            health.refresh(good, 1); // read before the key broke, finishing late
            assertEquals(List.of("p"), health.unreadableEnabled().stream().map(CredentialHealth.Unreadable::provider).toList());
            health.refresh(good, 4);
            health.refresh(bad, 3); // read before the key was fixed, finishing late
            assertEquals(List.of(), health.unreadable());
            assertEquals(List.of("ERROR", "INFO"), log.lines().stream().map(l -> l.level().name()).toList(), log.texts().toString());
        }
    }

    /**
     * The timer reloads every 5 ms over a registry large enough that a read takes a while, while the key of a
     * provider without models is broken in the database and fixed through the admin API, again and again: once
     * the PATCH answered, /health is UP and stays UP, and each break and each fix is logged exactly once.
     */
    @Test
    void aFixedKeyStaysFixedWhileTheTimerReloads() throws Exception {
        int rounds = 30;
        try (GatewayHarness gateway = GatewayHarness.start("providers:\n"
                     + provider("p", "openai", "http://127.0.0.1:9/v1", null, null, "{model_id: m, model_name: M}"),
                     Map.of("llm.registry.refresh-ms", "5"));
             LogCapture log = LogCapture.of(CredentialHealth.class, Level.INFO)) {
            insertFillerModels(gateway, providerId(gateway, "p"), 1000);
            HttpResponse<String> created = gateway.postJson("/llm/providers",
                    "{\"name\":\"lonely\",\"provider_type\":\"openai\",\"api_key\":\"sk-lonely-0\"}");
            assertEquals(201, created.statusCode(), created.body());
            String lonely = json(created).get("id").asText();
            String broken = new CredentialCipher(OTHER_SECRET).encryptApiKey(BAD_KEY);
            List<String> stale = new ArrayList<>();
            for (int i = 1; i <= rounds; i++) {
                try (Connection db = gateway.database().connect();
                     PreparedStatement update = db.prepareStatement("UPDATE llm_providers SET api_key = ? WHERE id = ?")) {
                    update.setString(1, broken);
                    update.setString(2, lonely);
                    assertEquals(1, update.executeUpdate());
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> gateway.get("/health").statusCode() == 503);
                assertEquals(List.of("lonely"), names(json(gateway.get("/health"))), "a provider without models is checked too");
                HttpResponse<String> fixed = gateway.send("PATCH", "/llm/providers/" + lonely,
                        "{\"api_key\":\"sk-lonely-" + i + "\"}", GatewayHarness.ADMIN_TOKEN);
                assertEquals(200, fixed.statusCode(), fixed.body());
                for (int probe = 0; probe < 10; probe++) {
                    int status = gateway.get("/health").statusCode();
                    if (status != 200) {
                        stale.add("round " + i + " probe " + probe + ": " + status);
                    }
                }
            }
            assertEquals(List.of(), stale, "/health after the fix had answered");
            List<String> levels = log.lines().stream().map(l -> l.level().name()).toList();
            assertEquals(rounds, levels.stream().filter("ERROR"::equals).count(), log.texts().toString());
            assertEquals(rounds, levels.stream().filter("INFO"::equals).count(), log.texts().toString());
        }
    }

    static Map<String, Object> row(String provider, String apiKey) {
        return Map.of("provider_name", provider, "provider_enabled", true, "api_key", apiKey);
    }

    /** Many models make every reload read and build for a while, which is what opens the race. */
    static void insertFillerModels(GatewayHarness gateway, String providerId, int count) throws Exception {
        try (Connection c = gateway.database().connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO llm_models (id, provider_id, model_id, model_name) "
                     + "VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, providerId);
                insert.setString(3, "filler-" + i);
                insert.setString(4, "Filler " + i);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    static List<String> names(JsonNode health) {
        return health.get("unreadable_credentials").findValuesAsText("provider");
    }

    static String providerId(GatewayHarness gateway, String name) throws Exception {
        for (JsonNode p : json(gateway.get("/llm/providers")).get("providers")) {
            if (p.get("name").asText().equals(name)) {
                return p.get("id").asText();
            }
        }
        throw new AssertionError("no provider " + name);
    }
}
