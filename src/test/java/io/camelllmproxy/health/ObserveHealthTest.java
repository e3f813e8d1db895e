package io.camelllmproxy.health;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.ProxiedDatabase;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Camel's health endpoints of the standalone app ({@code /observe/health}, {@code /live}, {@code /ready}) carry
 * the gateway's checks, answer without a key, and turn readiness DOWN (503) while the registry database is
 * unreachable or an enabled provider's key does not decrypt, UP again once that is fixed. Liveness stays UP: a
 * restart would not bring the database back.
 */
class ObserveHealthTest {

    static final List<String> GATEWAY_CHECKS = List.of(RegistryDatabaseCheck.ID, RegistrySnapshotCheck.ID,
            ProviderCredentialsCheck.ID, GatewayRoutesCheck.ID);

    @Test
    void readinessFollowsTheRegistryDatabase() throws Exception {
        try (ProxiedDatabase database = ProxiedDatabase.start();
             FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     "sk-p", null, "{model_id: m, model_name: M}"), database.settings(Map.of(
                     "llm.db.connection-timeout-ms", "2000",
                     "llm.health.snapshot-max-age-ms", "3000")))) {
            awaitStatus(gateway, "/observe/health/ready", 200);
            Map<String, JsonNode> up = checks(probe(gateway, "/observe/health"));
            for (String id : GATEWAY_CHECKS) {
                assertEquals("UP", up.get(id).get("status").asText(), id + ": " + up);
            }

            database.proxy().drop();
            awaitStatus(gateway, "/observe/health/ready", 503);
            Map<String, JsonNode> down = checks(probe(gateway, "/observe/health/ready"));
            assertEquals("DOWN", down.get(RegistryDatabaseCheck.ID).get("status").asText(), down.toString());
            assertTrue(down.get(RegistryDatabaseCheck.ID).get("message").asText().contains("registry database"));
            // the snapshot ages while reloads fail
            await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(
                    checks(probe(gateway, "/observe/health/ready")).get(RegistrySnapshotCheck.ID).get("status").asText()));
            HttpResponse<String> live = probe(gateway, "/observe/health/live");
            assertEquals(200, live.statusCode(), "a database outage is no reason to restart: " + live.body());
            assertEquals(503, probe(gateway, "/observe/health").statusCode());
            assertFalse(probe(gateway, "/observe/health/ready").body().contains("sk-p"));

            database.proxy().restore();
            awaitStatus(gateway, "/observe/health/ready", 200);
            Map<String, JsonNode> again = checks(probe(gateway, "/observe/health"));
            assertEquals("UP", again.get(RegistryDatabaseCheck.ID).get("status").asText(), again.toString());
            assertEquals("UP", again.get(RegistrySnapshotCheck.ID).get("status").asText(), again.toString());
        }
    }

    @Test
    void readinessFollowsUnreadableProviderKeys() throws Exception {
        String badKey = "sk-written-under-another-secret";
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n"
                     + provider("good", "openai", upstream.baseUrl(), "sk-good", null, "{model_id: g, model_name: G}")
                     + provider("bad", "openai", upstream.baseUrl(), "sk-bad", null, "{model_id: b, model_name: B}"), Map.of())) {
            awaitStatus(gateway, "/observe/health/ready", 200);

            // the key as another secret encrypted it: what a wrong AUTH_ENCRYPTION_SECRET looks like
            try (Connection db = gateway.database().connect();
                 PreparedStatement update = db.prepareStatement("UPDATE llm_providers SET api_key = ? WHERE name = 'bad'")) {
                update.setString(1, new CredentialCipher("another-encryption-secret").encryptApiKey(badKey));
                assertEquals(1, update.executeUpdate());
            }
            awaitStatus(gateway, "/observe/health/ready", 503);
            HttpResponse<String> down = probe(gateway, "/observe/health/ready");
            JsonNode credentials = checks(down).get(ProviderCredentialsCheck.ID);
            assertEquals("DOWN", credentials.get("status").asText(), down.body());
            assertTrue(credentials.get("message").asText().contains("bad"), down.body());
            assertFalse(credentials.get("message").asText().contains("good"), down.body());
            for (String secret : new String[] {badKey, "sk-bad", "sk-good", GatewayHarness.SECRET, GatewayHarness.ADMIN_TOKEN}) {
                assertFalse(down.body().contains(secret), "the health answer holds a secret: " + down.body());
            }

            String badId = null;
            for (JsonNode p : Json.MAPPER.readTree(gateway.get("/llm/providers").body()).get("providers")) {
                if (p.get("name").asText().equals("bad")) {
                    badId = p.get("id").asText();
                }
            }
            HttpResponse<String> fixed = gateway.send("PATCH", "/llm/providers/" + badId, "{\"api_key\":\"sk-bad-new\"}",
                    GatewayHarness.ADMIN_TOKEN);
            assertEquals(200, fixed.statusCode(), fixed.body());
            awaitStatus(gateway, "/observe/health/ready", 200);
            assertEquals("UP", checks(probe(gateway, "/observe/health")).get(ProviderCredentialsCheck.ID).get("status").asText());
        }
    }

    /** Waits until {@code path} answers {@code status}; a timeout tells the last answer. */
    static void awaitStatus(GatewayHarness gateway, String path, int status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = probe(gateway, path);
            assertEquals(status, response.statusCode(), response.body());
        });
    }

    /** A probe as Kubernetes sends it: no key. */
    static HttpResponse<String> probe(GatewayHarness gateway, String path) throws Exception {
        return gateway.send("GET", path, null, null);
    }

    /** The checks of a Camel health answer by name. */
    static Map<String, JsonNode> checks(HttpResponse<String> response) throws Exception {
        JsonNode body = Json.MAPPER.readTree(response.body());
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode check : body.path("checks")) {
            byName.put(check.get("name").asText(), check);
        }
        return byName;
    }
}
