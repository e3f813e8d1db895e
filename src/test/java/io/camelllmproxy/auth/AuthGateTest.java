package io.camelllmproxy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint without a key, with a wrong, revoked or expired key, and with a key of the wrong scope. */
class AuthGateTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;

    record Endpoint(String method, String path, String body, String scope) {
    }

    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/v1/chat/completions", CHAT, Scopes.INVOKE),
            new Endpoint("GET", "/v1/models", null, Scopes.READ),
            new Endpoint("GET", "/openapi.json", null, Scopes.READ),
            new Endpoint("GET", "/llm/providers", null, Scopes.ADMIN),
            new Endpoint("POST", "/llm/providers", "{\"name\":\"auth-made\",\"provider_type\":\"openai\"}", Scopes.ADMIN),
            new Endpoint("GET", "/llm/providers/x", null, Scopes.ADMIN),
            new Endpoint("PATCH", "/llm/providers/x", "{}", Scopes.ADMIN),
            new Endpoint("DELETE", "/llm/providers/x", null, Scopes.ADMIN),
            new Endpoint("POST", "/llm/providers/x/state?activate=false", null, Scopes.ADMIN),
            new Endpoint("POST", "/llm/providers/x/health", null, Scopes.ADMIN),
            new Endpoint("GET", "/llm/models", null, Scopes.ADMIN),
            new Endpoint("POST", "/llm/models", "{}", Scopes.ADMIN),
            new Endpoint("GET", "/llm/models/x", null, Scopes.ADMIN),
            new Endpoint("PATCH", "/llm/models/x", "{}", Scopes.ADMIN),
            new Endpoint("DELETE", "/llm/models/x", null, Scopes.ADMIN),
            new Endpoint("POST", "/llm/models/x/state", null, Scopes.ADMIN),
            new Endpoint("GET", "/llm/gateway/models", null, Scopes.ADMIN),
            new Endpoint("GET", "/llm/keys", null, Scopes.ADMIN),
            new Endpoint("POST", "/llm/keys", "{}", Scopes.ADMIN),
            new Endpoint("DELETE", "/llm/keys/x", null, Scopes.ADMIN),
            new Endpoint("GET", "/v1/llm/providers", null, Scopes.ADMIN));

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.replyJson(200, "{}");
        gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), null, null,
                "{model_id: m, model_name: M}"), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static String createKey(String body) throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", body, GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode key = Json.MAPPER.readTree(created.body());
        assertTrue(key.get("key").asText().startsWith("sk-llmp-"));
        assertTrue(key.get("key").asText().startsWith(key.get("key_prefix").asText()));
        return key.get("key").asText();
    }

    static void assertError(HttpResponse<String> response, int status, String code, Endpoint endpoint) throws Exception {
        assertEquals(status, response.statusCode(), endpoint + ": " + response.body());
        assertEquals(code, Json.MAPPER.readTree(response.body()).get("error").get("code").asText(), endpoint.toString());
    }

    @Test
    void everyEndpointRefusesMissingWrongRevokedAndExpiredKeys() throws Exception {
        String revoked = createKey("{\"name\":\"soon-revoked\",\"scopes\":[\"admin\"]}");
        String revokedId = null;
        for (JsonNode listed : Json.MAPPER.readTree(gateway.send("GET", "/llm/keys", null, GatewayHarness.ADMIN_TOKEN).body()).get("keys")) {
            if (revoked.startsWith(listed.get("key_prefix").asText()) && listed.get("name").asText().equals("soon-revoked")) {
                revokedId = listed.get("id").asText();
            }
        }
        assertEquals(200, gateway.send("GET", "/llm/providers", null, revoked).statusCode(), "works before it is revoked");
        assertEquals(204, gateway.send("DELETE", "/llm/keys/" + revokedId, null, GatewayHarness.ADMIN_TOKEN).statusCode());
        for (Endpoint e : ENDPOINTS) {
            assertError(gateway.send(e.method(), e.path(), e.body(), null), 401, "invalid_api_key", e);
            assertError(gateway.send(e.method(), e.path(), e.body(), "sk-llmp-not-a-real-key"), 401, "invalid_api_key", e);
            assertError(gateway.send(e.method(), e.path(), e.body(), revoked), 401, "invalid_api_key", e);
        }
        assertEquals(200, gateway.send("GET", "/health", null, null).statusCode(), "health needs no key");
    }

    @Test
    void eachScopeOpensItsEndpointsOnly() throws Exception {
        Map<String, String> keyByScope = Map.of(
                Scopes.INVOKE, createKey("{\"name\":\"invoke-only\",\"scopes\":[\"llm.invoke\"]}"),
                Scopes.READ, createKey("{\"name\":\"read-only\",\"scopes\":[\"llm.read\"]}"),
                Scopes.ADMIN, createKey("{\"name\":\"admin-key\",\"scopes\":[\"admin\"]}"));
        for (Endpoint e : ENDPOINTS) {
            for (Map.Entry<String, String> key : keyByScope.entrySet()) {
                HttpResponse<String> response = gateway.send(e.method(), e.path(), e.body(), key.getValue());
                boolean allowed = key.getKey().equals(e.scope()) || key.getKey().equals(Scopes.ADMIN);
                if (allowed) {
                    assertNotEquals(401, response.statusCode(), e + " with " + key.getKey());
                    assertNotEquals(403, response.statusCode(), e + " with " + key.getKey());
                } else {
                    assertError(response, 403, "insufficient_scope", e);
                }
            }
        }
    }

    @Test
    void theKeyMayComeAsXApiKeyAndIsNeverEchoed() throws Exception {
        String key = createKey("{\"name\":\"header-key\",\"scopes\":[\"llm.read\"]}");
        HttpResponse<String> viaHeader = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/models")))
                .header("x-api-key", key).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, viaHeader.statusCode());
        HttpResponse<String> wrong = gateway.send("GET", "/v1/models", null, key + "x");
        assertFalse(wrong.body().contains(key));
        String listing = gateway.send("GET", "/llm/keys", null, GatewayHarness.ADMIN_TOKEN).body();
        assertFalse(listing.contains(key), "listings never hold a key");
    }

    @Test
    void anExpiredKeyIsRefusedAndBadKeyRequestsAre422() throws Exception {
        assertEquals(422, gateway.send("POST", "/llm/keys", "{\"name\":\"past\",\"expires_at\":\"2001-01-01T00:00:00Z\"}",
                GatewayHarness.ADMIN_TOKEN).statusCode());
        assertEquals(422, gateway.send("POST", "/llm/keys", "{\"name\":\"bad-scope\",\"scopes\":[\"root\"]}",
                GatewayHarness.ADMIN_TOKEN).statusCode());
        String soon = createKey("{\"name\":\"expiring\",\"scopes\":[\"llm.read\"],\"expires_at\":\""
                + java.time.Instant.now().plusSeconds(2) + "\"}");
        assertEquals(200, gateway.send("GET", "/v1/models", null, soon).statusCode());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> gateway.send("GET", "/v1/models", null, soon).statusCode() == 401);
    }
}
