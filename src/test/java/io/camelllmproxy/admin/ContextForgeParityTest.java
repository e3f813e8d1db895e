package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.TestDatabase;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a ContextForge operator sees of the admin API, on one schema: ContextForge's name rule, its
 * answers sent back as changes, its field names, its chat-only listings, and Azure names that fit a URL.
 * Each subclass runs it on one schema (ours, or the tables ContextForge created) and says what a null
 * {@code default_temperature} means there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContextForgeParityTest {

    FakeUpstream upstream;
    GatewayHarness gateway;

    /** Prepares the database before the gateway starts on it. */
    abstract void prepare(TestDatabase database) throws Exception;

    @BeforeAll
    void start() throws Exception {
        upstream = new FakeUpstream();
        TestDatabase database = TestDatabase.create();
        prepare(database);
        gateway = GatewayHarness.start(database, "providers: []\n", Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return gateway.send(method, path, body, GatewayHarness.ADMIN_TOKEN);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    JsonNode created(String path, String body) throws Exception {
        HttpResponse<String> response = call("POST", path, body);
        assertEquals(201, response.statusCode(), response.body());
        return json(response);
    }

    JsonNode provider(String name, String extra) throws Exception {
        return created("/llm/providers", "{\"name\":\"" + name + "\",\"provider_type\":\"openai_compatible\",\"api_base\":\""
                + upstream.baseUrl() + "\"" + extra + "}");
    }

    JsonNode model(String providerId, String modelId, String extra) throws Exception {
        return created("/llm/models", "{\"provider_id\":\"" + providerId + "\",\"model_id\":\"" + modelId
                + "\",\"model_name\":\"" + modelId + "\"" + extra + "}");
    }

    static void assertInvalid(HttpResponse<String> response, String field) throws Exception {
        assertEquals(422, response.statusCode(), response.body());
        assertEquals(field, json(response).get("error").get("param").asText(), response.body());
    }

    @Test
    void providerNamesFollowContextForgesRuleExactly() throws Exception {
        assertEquals("gpt.4 prod-v1_2", provider("gpt.4 prod-v1_2", "").get("name").asText());
        assertEquals("gpt.4 prod-v1_2 ", provider("gpt.4 prod-v1_2 ", "").get("name").asText(),
                "a trailing space is allowed, as ContextForge allows it");
        String longest = "n.".repeat(127) + "x";
        assertEquals(255, longest.length());
        assertEquals(longest, provider(longest, "").get("name").asText());
        assertInvalid(call("POST", "/llm/providers", "{\"name\":\"" + longest + "y\",\"provider_type\":\"openai\"}"), "name");
        for (String bad : List.of("a/b", "a:b", "<b>x</b>", "tab\\there", "")) {
            assertInvalid(call("POST", "/llm/providers", "{\"name\":\"" + bad + "\",\"provider_type\":\"openai\"}"), "name");
        }
        String id = provider("rename-me", "").get("id").asText();
        assertEquals("v2.1", json(call("PATCH", "/llm/providers/" + id, "{\"name\":\"v2.1\"}")).get("name").asText());
    }

    @Test
    void aProvidersOwnAnswerSentBackAsAChangeChangesNothing() throws Exception {
        JsonNode created = provider("round-trip", ",\"api_key\":\"sk-round-trip\",\"description\":\"d\","
                + "\"default_temperature\":0.3,\"config\":{\"client_secret\":\"s3cr3t\",\"region\":\"eu\"},\"plugin_ids\":[\"p1\"]");
        String id = created.get("id").asText();
        String key = stored("llm_providers", id, "api_key");
        String config = stored("llm_providers", id, "config");
        HttpResponse<String> before = call("GET", "/llm/providers/" + id, null);
        HttpResponse<String> patched = call("PATCH", "/llm/providers/" + id, before.body());
        assertEquals(200, patched.statusCode(), patched.body());
        assertSameExceptUpdate(json(before), json(call("GET", "/llm/providers/" + id, null)));
        assertEquals(key, stored("llm_providers", id, "api_key"), "the key is untouched");
        assertEquals(Json.MAPPER.readTree(config), Json.MAPPER.readTree(stored("llm_providers", id, "config")),
                "masked config secrets are kept as stored");

        // Read-only fields count as the answer shows them now, whatever the client's JSON spelling: a timestamp
        // at another offset and a number written as a decimal are the same values.
        ObjectNode current = (ObjectNode) json(call("GET", "/llm/providers/" + id, null));
        ObjectNode respelled = current.deepCopy();
        respelled.put("created_at", java.time.OffsetDateTime.parse(current.get("created_at").asText())
                .withOffsetSameInstant(java.time.ZoneOffset.ofHours(2)).toString());
        respelled.put("model_count", new java.math.BigDecimal(current.get("model_count").asText() + ".0"));
        assertEquals(200, call("PATCH", "/llm/providers/" + id, respelled.toString()).statusCode());

        // Any other value of a read-only field is refused, naming it, and nothing is written (the key stays set).
        current = (ObjectNode) json(call("GET", "/llm/providers/" + id, null));
        Map<String, Object> changes = new java.util.LinkedHashMap<>();
        changes.put("api_key_set", false);
        changes.put("health_status", "healthy");
        changes.put("model_count", 99);
        changes.put("slug", "other");
        changes.put("created_at", "2000-01-01T00:00:00Z");
        changes.put("id", "someone-else");
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            ObjectNode stale = current.deepCopy();
            stale.set(change.getKey(), Json.MAPPER.valueToTree(change.getValue()));
            stale.put("description", "changed");
            HttpResponse<String> refused = call("PATCH", "/llm/providers/" + id, stale.toString());
            assertInvalid(refused, change.getKey());
            assertTrue(json(refused).get("error").get("message").asText().contains("read-only; it cannot be changed"),
                    refused.body());
        }
        JsonNode after = json(call("GET", "/llm/providers/" + id, null));
        assertEquals("d", after.get("description").asText());
        assertTrue(after.get("api_key_set").asBoolean());
        assertEquals(key, stored("llm_providers", id, "api_key"), "the key is untouched");

        // The answer from before the last change is stale: its updated_at no longer matches.
        assertInvalid(call("PATCH", "/llm/providers/" + id, before.body()), "updated_at");
        assertInvalid(call("PATCH", "/llm/providers/" + id, "{\"colour\":\"blue\"}"), "colour");
    }

    @Test
    void aModelsOwnAnswerSentBackAsAChangeChangesNothing() throws Exception {
        String providerId = provider("model-round-trip", "").get("id").asText();
        String otherProvider = provider("model-round-trip-2", "").get("id").asText();
        String id = model(providerId, "rt-model", ",\"model_alias\":\"rt\",\"context_window\":8192").get("id").asText();
        HttpResponse<String> before = call("GET", "/llm/models/" + id, null);
        HttpResponse<String> patched = call("PATCH", "/llm/models/" + id, before.body());
        assertEquals(200, patched.statusCode(), patched.body());
        assertSameExceptUpdate(json(before), json(call("GET", "/llm/models/" + id, null)));

        ObjectNode renamed = (ObjectNode) json(call("GET", "/llm/models/" + id, null));
        renamed.put("provider_name", "someone-else").put("model_name", "changed");
        assertInvalid(call("PATCH", "/llm/models/" + id, renamed.toString()), "provider_name");

        ObjectNode moved = (ObjectNode) json(call("GET", "/llm/models/" + id, null));
        moved.put("provider_id", otherProvider).put("model_name", "changed");
        assertInvalid(call("PATCH", "/llm/models/" + id, moved.toString()), "provider_id");
        assertEquals(providerId, json(call("GET", "/llm/models/" + id, null)).get("provider_id").asText());
        assertEquals("rt-model", json(call("GET", "/llm/models/" + id, null)).get("model_name").asText());
    }

    @Test
    void answersCarryContextForgesFieldNames() throws Exception {
        String providerId = provider("fields", ",\"api_key\":\"sk-fields\"").get("id").asText();
        JsonNode model = model(providerId, "fields-model", "");
        assertEquals("openai_compatible", model.get("provider_type").asText());
        assertEquals("openai_compatible", json(call("GET", "/llm/models/" + model.get("id").asText(), null))
                .get("provider_type").asText());
        assertEquals("openai_compatible", json(call("GET", "/llm/models?provider_id=" + providerId, null))
                .get("models").get(0).get("provider_type").asText());

        upstream.replyJson(200, "{\"object\":\"list\",\"data\":[]}");
        HttpResponse<String> health = call("POST", "/llm/providers/" + providerId + "/health", null);
        assertEquals(200, health.statusCode(), health.body());
        upstream.take();
        JsonNode answer = json(health);
        for (String field : List.of("provider_id", "provider_name", "provider_type", "status", "response_time_ms", "error",
                "checked_at")) {
            assertTrue(answer.has(field), field + " in " + answer);
        }
        assertEquals("openai_compatible", answer.get("provider_type").asText());
        assertTrue(answer.get("response_time_ms").isNumber() && answer.get("response_time_ms").asDouble() >= 0, answer.toString());
        assertFalse(answer.has("latency_ms"), "ContextForge's name only");
    }

    @Test
    void modelsThatDoNotChatAreNotListedForChat() throws Exception {
        String providerId = provider("listing", "").get("id").asText();
        model(providerId, "chat-yes", "");
        String embedder = model(providerId, "embed-only", ",\"supports_chat\":false").get("id").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.get("/v1/models").body().contains("chat-yes"));
        assertFalse(gateway.get("/v1/models").body().contains("embed-only"), gateway.get("/v1/models").body());
        JsonNode served = json(call("GET", "/llm/gateway/models", null));
        assertTrue(served.toString().contains("chat-yes"), served.toString());
        assertFalse(served.toString().contains("embed-only"), served.toString());
        assertEquals(served.get("models").size(), served.get("count").asInt());
        for (JsonNode item : served.get("models")) {
            assertTrue(item.hasNonNull("provider_type"), item.toString());
        }
        assertTrue(call("GET", "/llm/models?provider_id=" + providerId, null).body().contains("embed-only"),
                "the admin listing still shows it");

        assertEquals(200, call("PATCH", "/llm/models/" + embedder, "{\"supports_chat\":true}").statusCode());
        assertTrue(gateway.get("/v1/models").body().contains("embed-only"), "listed once it chats");
    }

    @Test
    void azureNamesThatCannotBePartOfTheUrlAreRefused() throws Exception {
        String azure = "{\"name\":\"%s\",\"provider_type\":\"azure_openai\",\"config\":%s}";
        assertInvalid(call("POST", "/llm/providers", azure.formatted("az-1", "{\"resource_name\":\"evil.example.com/x\"}")),
                "config.resource_name");
        assertInvalid(call("POST", "/llm/providers", azure.formatted("az-2", "{\"resource_name\":\"-bad\"}")),
                "config.resource_name");
        assertInvalid(call("POST", "/llm/providers", azure.formatted("az-3", "{\"resource_name\":\"ok\",\"deployment_name\":\"..\"}")),
                "config.deployment_name");
        String id = created("/llm/providers", azure.formatted("az-ok", "{\"resource_name\":\"my-resource-1\"}")).get("id").asText();
        assertInvalid(call("PATCH", "/llm/providers/" + id, "{\"config\":{\"resource_name\":\"a.b\"}}"), "config.resource_name");
        assertInvalid(call("POST", "/llm/models", "{\"provider_id\":\"" + id + "\",\"model_id\":\"..\",\"model_name\":\"x\"}"),
                "model_id");
        assertInvalid(call("POST", "/llm/models", "{\"provider_id\":\"" + id + "\",\"model_id\":\".\",\"model_name\":\"x\"}"),
                "model_id");
        String modelId = model(id, "gpt-4o", "").get("id").asText();
        assertInvalid(call("PATCH", "/llm/models/" + modelId, "{\"model_id\":\"..\"}"), "model_id");
        assertEquals(200, call("PATCH", "/llm/providers/" + id, "{\"config\":{\"resource_name\":\"Other-Resource\"}}").statusCode());

        // A provider whose models include '.' cannot become Azure: the model id would be a dot segment.
        String plain = provider("becomes-azure", "").get("id").asText();
        model(plain, ".", "");
        assertInvalid(call("PATCH", "/llm/providers/" + plain,
                "{\"provider_type\":\"azure_openai\",\"config\":{\"resource_name\":\"res\"}}"), "provider_type");
        assertEquals("openai_compatible", json(call("GET", "/llm/providers/" + plain, null)).get("provider_type").asText());
    }

    @Test
    void aDotDeploymentWrittenStraightIntoTheDatabaseIsRefusedBeforeAnythingIsSent() throws Exception {
        String providerId = created("/llm/providers", "{\"name\":\"az-db\",\"provider_type\":\"azure_openai\",\"api_base\":\""
                + upstream.baseUrl() + "\",\"api_key\":\"sk-az\"}").get("id").asText();
        String modelRow = model(providerId, "dotted", ",\"model_alias\":\"az-dotted\"").get("id").asText();
        sql("UPDATE llm_models SET model_id = '..' WHERE id = '" + modelRow + "'");
        // Any admin write reloads the registry before it answers, so the next request sees the edited row.
        assertEquals(200, call("PATCH", "/llm/providers/" + providerId, "{\"description\":\"reload\"}").statusCode());
        upstream.clearReceived();
        String chat = "{\"model\":\"az-dotted\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> refused = gateway.postJson("/v1/chat/completions", chat);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_deployment", json(refused).get("error").get("code").asText(), refused.body());
        assertTrue(upstream.receivedNothing(), "no request went out");

        // A resource name that is not one DNS label would put another host into the URL.
        String hostless = created("/llm/providers", "{\"name\":\"az-host\",\"provider_type\":\"azure_openai\","
                + "\"config\":{\"resource_name\":\"good\"}}").get("id").asText();
        model(hostless, "hostless-model", ",\"model_alias\":\"az-hostless\"");
        sql("UPDATE llm_providers SET config = '{\"resource_name\":\"127.0.0.1:" + upstream.baseUrl().replaceAll(".*:(\\d+).*", "$1")
                + "/x#\"}' WHERE id = '" + hostless + "'");
        assertEquals(200, call("PATCH", "/llm/providers/" + hostless, "{\"description\":\"reload\"}").statusCode());
        HttpResponse<String> misconfigured = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"az-hostless\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(500, misconfigured.statusCode(), misconfigured.body());
        assertEquals("provider_misconfigured", json(misconfigured).get("error").get("code").asText(), misconfigured.body());
        assertTrue(upstream.receivedNothing(), "no request went out");
    }

    @Test
    void modelGroupsLiveBesideTheseTablesAndKeepTheirNameAgainstAContextForgeWrite() throws Exception {
        String providerId = provider("cf-group-p", "").get("id").asText();
        String kept = model(providerId, "cf-group-kept", "").get("id").asText();
        String dropped = model(providerId, "cf-group-dropped", "").get("id").asText();
        JsonNode group = created("/llm/groups", "{\"name\":\"cf-group\",\"members\":[{\"provider\":\"cf-group-p\","
                + "\"model_id\":\"cf-group-dropped\"},{\"provider\":\"cf-group-p\",\"model_id\":\"cf-group-kept\"}]}");
        assertEquals(2, group.get("members").size());

        // ContextForge deletes a model, and adds one under the group's name: it knows nothing of groups
        sql("DELETE FROM llm_models WHERE id = '" + dropped + "'");
        sql("INSERT INTO llm_models (id, provider_id, model_id, model_name, supports_chat, supports_streaming,"
                + " supports_function_calling, supports_vision, enabled, deprecated, created_at, updated_at) VALUES ('cf-shadow', '"
                + providerId + "', 'cf-group', 'shadow', TRUE, TRUE, FALSE, FALSE, TRUE, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        JsonNode members = json(call("GET", "/llm/groups/cf-group", null)).get("members");
        assertEquals(1, members.size(), "the member went with its model: " + members);
        assertEquals(kept, members.get(0).get("model_row_id").asText());
        // once the timer has read the registry again, the shadowing model is served under its qualified name only
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/v1/models", null).body().contains("cf-group-p/cf-group"));
        JsonNode retrieved = json(call("GET", "/v1/models/cf-group", null));
        assertEquals("camel-llm-proxy", retrieved.get("owned_by").asText(), "the group keeps its name: " + retrieved);

        assertEquals(204, call("DELETE", "/llm/providers/" + providerId, null).statusCode());
        assertEquals(0, json(call("GET", "/llm/groups/cf-group", null)).get("members").size());
        assertEquals(404, call("GET", "/v1/models/cf-group", null).statusCode(), "a group without members is not served");
    }

    String stored(String table, String id, String column) throws Exception {
        try (Connection c = gateway.database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), table + " " + id);
                return rs.getString(1);
            }
        }
    }

    void sql(String statement) throws Exception {
        try (Connection c = gateway.database().connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** Every field as before, except the ones a write itself sets. */
    static void assertSameExceptUpdate(JsonNode before, JsonNode after) {
        List<String> differing = new ArrayList<>();
        before.fieldNames().forEachRemaining(field -> {
            if (!field.equals("updated_at") && !field.equals("modified_by") && !before.get(field).equals(after.get(field))) {
                differing.add(field + ": " + before.get(field) + " -> " + after.get(field));
            }
        });
        assertTrue(differing.isEmpty(), differing.toString());
    }
}
