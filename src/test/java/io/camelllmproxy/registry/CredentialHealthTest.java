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
import java.util.List;
import java.util.Map;

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
