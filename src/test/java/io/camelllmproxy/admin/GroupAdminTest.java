package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.registry.CooldownPolicy;
import io.camelllmproxy.registry.GroupMember;
import io.camelllmproxy.registry.GroupStrategy;
import io.camelllmproxy.registry.ModelGroup;
import io.camelllmproxy.registry.ModelResolver;
import io.camelllmproxy.registry.RetryPolicy;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /llm/groups} over HTTP against a real database, and what the registry snapshot makes of the groups. */
class GroupAdminTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;

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
        return gateway.send(method, path, body, GatewayHarness.ADMIN_TOKEN);
    }

    JsonNode created(String path, String body) throws Exception {
        HttpResponse<String> response = call("POST", path, body);
        assertEquals(201, response.statusCode(), response.body());
        return json(response);
    }

    String provider(String name) throws Exception {
        return created("/llm/providers", "{\"name\":\"" + name + "\",\"provider_type\":\"openai_compatible\",\"api_base\":\""
                + upstream.baseUrl() + "\"}").get("id").asText();
    }

    String model(String providerId, String modelId, String extra) throws Exception {
        return created("/llm/models", "{\"provider_id\":\"" + providerId + "\",\"model_id\":\"" + modelId
                + "\",\"model_name\":\"" + modelId + "\"" + extra + "}").get("id").asText();
    }

    static String group(String name, String members, String extra) {
        return "{\"name\":\"" + name + "\",\"members\":[" + members + "]" + extra + "}";
    }

    static String member(String provider, String modelId, int weight) {
        return "{\"provider\":\"" + provider + "\",\"model_id\":\"" + modelId + "\",\"weight\":" + weight + "}";
    }

    static void assertInvalid(HttpResponse<String> response, String field) throws Exception {
        assertEquals(422, response.statusCode(), response.body());
        JsonNode error = json(response).get("error");
        assertEquals("validation_failed", error.get("code").asText(), response.body());
        assertEquals(field, error.get("param").asText(), response.body());
    }

    ModelResolver resolver() {
        return gateway.camelContext().getRegistry().lookupByNameAndType("llm-model-resolver", ModelResolver.class);
    }

    long count(String sql) throws Exception {
        try (Connection c = gateway.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void groupsAreCreatedReadChangedAndDeletedWithDefaultsShown() throws Exception {
        String a = provider("crud-a");
        String b = provider("crud-b");
        model(a, "crud-gpt", "");
        model(b, "crud-deploy", "");

        JsonNode group = created("/llm/groups", group("crud-smart",
                member("crud-a", "crud-gpt", 3) + "," + "{\"provider\":\"crud-b\",\"model_id\":\"crud-deploy\"}", ""));
        String id = group.get("id").asText();
        assertEquals(32, id.length());
        assertEquals("crud-smart", group.get("name").asText());
        assertEquals("fallback", group.get("strategy").asText());
        assertEquals(List.of("crud-a/crud-gpt/3", "crud-b/crud-deploy/1"), members(group));
        assertEquals(2, group.get("retry").get("attempts").asInt(), "one attempt per member when none is set");
        assertEquals(RetryPolicy.DEFAULT_MAX_WAIT_MS, group.get("retry").get("max_wait_ms").asLong());
        assertEquals(CooldownPolicy.DEFAULT.failures(), group.get("cooldown").get("failures").asInt());
        assertEquals(CooldownPolicy.DEFAULT.seconds(), group.get("cooldown").get("seconds").asLong());
        assertTrue(group.get("first_token_timeout_ms").isNull());
        assertTrue(group.get("members").get(0).get("enabled").asBoolean());
        assertFalse(group.get("created_at").isNull());

        assertEquals(group, json(call("GET", "/llm/groups/" + id, null)));
        assertEquals(group, json(call("GET", "/v1/llm/groups/crud-smart", null)), "by name too, and under /v1/llm");
        assertEquals(404, call("GET", "/llm/groups/nope", null).statusCode());
        HttpResponse<String> listing = call("GET", "/llm/groups?page_size=500", null);
        assertEquals(200, listing.statusCode(), listing.body());
        JsonNode page = json(listing);
        assertTrue(page.get("total").asInt() >= 1);
        assertTrue(page.get("groups").findValuesAsText("name").contains("crud-smart"), page.toString());

        HttpResponse<String> patched = call("PATCH", "/llm/groups/" + id, "{\"name\":\"crud-smarter\",\"strategy\":\"weighted\","
                + "\"members\":[" + member("crud-b", "crud-deploy", 5) + "],\"retry\":{\"attempts\":4,\"max_wait_ms\":0},"
                + "\"cooldown\":{\"failures\":2,\"seconds\":0},\"first_token_timeout_ms\":2500}");
        assertEquals(200, patched.statusCode(), patched.body());
        JsonNode changed = json(patched);
        assertEquals("crud-smarter", changed.get("name").asText());
        assertEquals("weighted", changed.get("strategy").asText());
        assertEquals(List.of("crud-b/crud-deploy/5"), members(changed), "members are replaced whole");
        assertEquals(4, changed.get("retry").get("attempts").asInt());
        assertEquals(0, changed.get("retry").get("max_wait_ms").asLong());
        assertEquals(2, changed.get("cooldown").get("failures").asInt());
        assertEquals(0, changed.get("cooldown").get("seconds").asLong());
        assertEquals(2500, changed.get("first_token_timeout_ms").asLong());

        HttpResponse<String> sentBack = call("PATCH", "/llm/groups/" + id, patched.body());
        assertEquals(200, sentBack.statusCode(), "an answer sent back is a valid change: " + sentBack.body());
        assertEquals(members(changed), members(json(sentBack)));
        assertInvalid(call("PATCH", "/llm/groups/" + id, "{\"id\":\"someone-else\"}"), "id");

        HttpResponse<String> cleared = call("PATCH", "/llm/groups/" + id, "{\"retry\":null,\"cooldown\":{\"failures\":5},"
                + "\"first_token_timeout_ms\":null}");
        assertEquals(1, json(cleared).get("retry").get("attempts").asInt(), "null brings the defaults back");
        assertEquals(5, json(cleared).get("cooldown").get("failures").asInt());
        assertEquals(CooldownPolicy.DEFAULT.seconds(), json(cleared).get("cooldown").get("seconds").asLong(),
                "a key left out of a sent object is its default");
        assertTrue(json(cleared).get("first_token_timeout_ms").isNull());

        assertEquals(204, call("DELETE", "/llm/groups/crud-smarter", null).statusCode());
        assertEquals(404, call("DELETE", "/llm/groups/" + id, null).statusCode());
        assertEquals(0, count("SELECT COUNT(*) FROM llm_model_group_members WHERE group_id = '" + id + "'"));
        assertEquals(2, count("SELECT COUNT(*) FROM llm_models WHERE model_id IN ('crud-gpt', 'crud-deploy')"),
                "the models stay");
    }

    @Test
    void theResolverAndTheModelListServeAGroupWhileOneMemberIsEnabled() throws Exception {
        String a = provider("served-a");
        String b = provider("served-b");
        String gpt = model(a, "served-gpt", "");
        model(b, "served-deploy", "");
        JsonNode group = created("/llm/groups", group("served-smart", member("served-a", "served-gpt", 3) + ","
                + member("served-b", "served-deploy", 1), ",\"strategy\":\"least-busy\",\"retry\":{\"attempts\":3},"
                + "\"cooldown\":{\"failures\":4,\"seconds\":12},\"first_token_timeout_ms\":20000"));

        ModelGroup resolved = resolver().group("served-smart");
        assertEquals(group.get("id").asText(), resolved.id());
        assertEquals(GroupStrategy.LEAST_BUSY, resolved.strategy());
        assertEquals(new RetryPolicy(3, RetryPolicy.DEFAULT_MAX_WAIT_MS), resolved.retry());
        assertEquals(new CooldownPolicy(4, 12), resolved.cooldown());
        assertEquals(20_000L, resolved.firstTokenTimeoutMs());
        assertEquals(List.of("served-a/served-gpt", "served-b/served-deploy"),
                resolved.members().stream().map(GroupMember::deployment).toList());
        assertEquals(List.of(3, 1), resolved.members().stream().map(GroupMember::weight).toList());
        assertEquals(gpt, resolved.members().get(0).target().modelRowId(), "a member carries the snapshot's model");
        assertEquals(upstream.baseUrl(), resolved.members().get(1).target().apiBase());
        created("/llm/groups", group("served-plain", member("served-b", "served-deploy", 1) + ","
                + member("served-a", "served-gpt", 1), ""));
        ModelGroup plain = resolver().group("served-plain");
        assertEquals(GroupStrategy.FALLBACK, plain.strategy());
        assertEquals(new RetryPolicy(2, RetryPolicy.DEFAULT_MAX_WAIT_MS), plain.retry(), "one attempt per member by default");
        assertEquals(CooldownPolicy.DEFAULT, plain.cooldown());
        assertNull(plain.firstTokenTimeoutMs(), "the provider read timeout applies");
        assertEquals(204, call("DELETE", "/llm/groups/served-plain", null).statusCode());
        assertNull(resolver().group("served-plain"), "gone from the snapshot with the answer");
        assertNull(resolver().group("served-gpt"), "a model's name is not a group's");
        assertNull(resolver().group("nobody"));

        JsonNode listed = listed("served-smart");
        assertEquals("model", listed.get("object").asText());
        assertEquals("camel-llm-proxy", listed.get("owned_by").asText());
        assertTrue(listed.get("created").asLong() > 0);
        HttpResponse<String> retrieved = gateway.get("/v1/models/served-smart");
        assertEquals(200, retrieved.statusCode(), retrieved.body());
        assertEquals(listed, json(retrieved));

        assertEquals(200, call("POST", "/llm/models/" + gpt + "/state?activate=false", null).statusCode());
        assertEquals(List.of("served-b/served-deploy"), resolver().group("served-smart").servableMembers().stream()
                .map(GroupMember::deployment).toList());
        assertFalse(resolver().group("served-smart").members().get(0).servable(), "a disabled member is kept, not served");
        assertFalse(json(call("GET", "/llm/groups/served-smart", null)).get("members").get(0).get("enabled").asBoolean());

        assertEquals(200, call("POST", "/llm/providers/" + b + "/state?activate=false", null).statusCode());
        GatewayException none = assertThrows(GatewayException.class, () -> resolver().group("served-smart"));
        assertEquals(404, none.error().status());
        assertEquals("model_not_found", none.error().code());
        assertTrue(none.getMessage().contains("'served-smart' has no enabled member"), none.getMessage());
        assertNull(listed("served-smart"), "a group with no servable member is not listed");
        HttpResponse<String> gone = gateway.get("/v1/models/served-smart");
        assertEquals(404, gone.statusCode(), gone.body());
        assertEquals("model_not_found", json(gone).get("error").get("code").asText());
        HttpResponse<String> chat = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"served-smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(404, chat.statusCode(), chat.body());

        assertEquals(200, call("POST", "/llm/models/" + gpt + "/state?activate=true", null).statusCode());
        assertEquals(200, call("POST", "/llm/providers/" + b + "/state?activate=true", null).statusCode());
        assertEquals(2, resolver().group("served-smart").servableMembers().size());
    }

    @Test
    void everyBadValueIsA422NamingItsFieldAndWritesNothing() throws Exception {
        String p = provider("bad-p");
        model(p, "bad-m", "");
        String ok = member("bad-p", "bad-m", 1);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"members\":[" + ok + "]}", "name");
        cases.put("{\"name\":\"bad-g\"}", "members");
        cases.put(group("bad-g", "", ""), "members");
        cases.put(group("bad-g", member("nobody", "bad-m", 1), ""), "members[0].provider");
        cases.put(group("bad-g", ok + "," + member("bad-p", "no-such-model", 1), ""), "members[1].model_id");
        cases.put(group("bad-g", member("bad-p", "bad-m", 0), ""), "members[0].weight");
        cases.put(group("bad-g", "{\"provider\":\"bad-p\",\"model_id\":\"bad-m\",\"weight\":1.5}", ""), "members[0].weight");
        cases.put(group("bad-g", "{\"provider\":\"bad-p\",\"model_id\":\"bad-m\",\"weight\":\"2\"}", ""), "members[0].weight");
        cases.put(group("bad-g", "{\"provider\":\"bad-p\",\"model_id\":\"bad-m\",\"weight\":null}", ""), "members[0].weight");
        cases.put(group("bad-g", "{\"provider\":\"bad-p\"}", ""), "members[0].model_id");
        cases.put(group("bad-g", "{\"provider\":\"bad-p\",\"model_id\":\"bad-m\",\"colour\":1}", ""), "members[0].colour");
        cases.put(group("bad-g", ok + "," + ok, ""), "members[1]");
        cases.put(group("bad-g", "\"bad-p/bad-m\"", ""), "members[0]");
        cases.put(group("bad-g", ok, ",\"retry\":{\"attempts\":0}"), "retry.attempts");
        cases.put(group("bad-g", ok, ",\"retry\":{\"max_wait_ms\":-1}"), "retry.max_wait_ms");
        cases.put(group("bad-g", ok, ",\"retry\":{\"tries\":2}"), "retry.tries");
        cases.put(group("bad-g", ok, ",\"retry\":3"), "retry");
        cases.put(group("bad-g", ok, ",\"cooldown\":{\"failures\":0}"), "cooldown.failures");
        cases.put(group("bad-g", ok, ",\"cooldown\":{\"seconds\":-5}"), "cooldown.seconds");
        cases.put(group("bad-g", ok, ",\"first_token_timeout_ms\":-1"), "first_token_timeout_ms");
        cases.put(group("bad-g", ok, ",\"strategy\":\"round-robin\""), "strategy");
        cases.put(group("bad-g", ok, ",\"priority\":1"), "priority");
        cases.put(group("<b>x</b>", ok, ""), "name");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertInvalid(call("POST", "/llm/groups", c.getKey()), c.getValue());
        }
        assertEquals(0, count("SELECT COUNT(*) FROM llm_model_groups WHERE name = 'bad-g'"), "nothing was written");

        String id = created("/llm/groups", group("bad-g", ok, "")).get("id").asText();
        assertInvalid(call("PATCH", "/llm/groups/" + id, "{\"members\":[" + member("bad-p", "gone", 1) + "],\"strategy\":\"weighted\"}"),
                "members[0].model_id");
        assertInvalid(call("PATCH", "/llm/groups/" + id, "{\"members\":[]}"), "members");
        JsonNode unchanged = json(call("GET", "/llm/groups/" + id, null));
        assertEquals("fallback", unchanged.get("strategy").asText(), "a refused change writes nothing");
        assertEquals(List.of("bad-p/bad-m/1"), members(unchanged));
        assertEquals(404, call("PATCH", "/llm/groups/missing", "{\"strategy\":\"weighted\"}").statusCode());
    }

    @Test
    void namesAModelAnswersToAndGroupNamesAreNotSharedEitherWay() throws Exception {
        String p = provider("clash-p");
        String modelRow = model(p, "clash-gpt", ",\"model_alias\":\"clash-alias\"");
        String ok = member("clash-p", "clash-gpt", 1);
        for (String taken : List.of("clash-gpt", "clash-alias", "clash-p/clash-gpt", modelRow)) {
            HttpResponse<String> refused = call("POST", "/llm/groups", group(taken, ok, ""));
            assertEquals(409, refused.statusCode(), taken + ": " + refused.body());
            assertEquals("name", json(refused).get("error").get("param").asText());
            assertTrue(json(refused).get("error").get("message").asText().contains("clash-p/clash-gpt"), refused.body());
        }
        String id = created("/llm/groups", group("clash-group", ok, "")).get("id").asText();
        assertEquals(409, call("POST", "/llm/groups", group("clash-group", ok, "")).statusCode(), "another group's name");
        String other = created("/llm/groups", group("clash-other", ok, "")).get("id").asText();
        assertEquals(409, call("PATCH", "/llm/groups/" + other, "{\"name\":\"clash-group\"}").statusCode());
        assertEquals(409, call("PATCH", "/llm/groups/" + other, "{\"name\":\"clash-alias\"}").statusCode());
        assertEquals(200, call("PATCH", "/llm/groups/" + id, "{\"name\":\"clash-group\"}").statusCode(), "its own name is fine");

        HttpResponse<String> model = call("POST", "/llm/models", "{\"provider_id\":\"" + p + "\",\"model_id\":\"clash-group\","
                + "\"model_name\":\"x\"}");
        assertEquals(409, model.statusCode(), model.body());
        assertEquals("model_id", json(model).get("error").get("param").asText());
        HttpResponse<String> alias = call("PATCH", "/llm/models/" + modelRow, "{\"model_alias\":\"clash-other\"}");
        assertEquals(409, alias.statusCode(), alias.body());
        assertEquals("model_alias", json(alias).get("error").get("param").asText());
        assertEquals("clash-alias", json(call("GET", "/llm/models/" + modelRow, null)).get("model_alias").asText());
    }

    @Test
    void deletingAModelRemovesItFromItsGroupsAndNamesThemInTheLog() throws Exception {
        String p = provider("mdel-p");
        String gone = model(p, "mdel-gone", "");
        model(p, "mdel-kept", "");
        created("/llm/groups", group("mdel-group", member("mdel-p", "mdel-gone", 1) + "," + member("mdel-p", "mdel-kept", 1), ""));
        List<String> logged = new ArrayList<>();
        try (LogCapture log = LogCapture.of(ModelAdmin.class, Level.INFO)) {
            assertEquals(204, call("DELETE", "/llm/models/" + gone, null).statusCode());
            log.lines().forEach(line -> logged.add(line.message()));
        }
        assertTrue(logged.contains("Model 'mdel-p/mdel-gone' deleted; model groups that lost a member: mdel-group"),
                logged.toString());
        assertEquals(List.of("mdel-p/mdel-kept/1"), members(json(call("GET", "/llm/groups/mdel-group", null))));
    }

    @Test
    void deletingAProviderRemovesItsMembersAndNamesTheGroupsInTheLog() throws Exception {
        String keep = provider("del-keep");
        String going = provider("del-going");
        model(keep, "del-kept", "");
        model(going, "del-gone", "");
        created("/llm/groups", group("del-both", member("del-going", "del-gone", 1) + "," + member("del-keep", "del-kept", 1), ""));
        created("/llm/groups", group("del-only", member("del-going", "del-gone", 1), ""));
        created("/llm/groups", group("del-untouched", member("del-keep", "del-kept", 1), ""));

        List<String> logged = new ArrayList<>();
        try (LogCapture log = LogCapture.of(ProviderAdmin.class, Level.INFO)) {
            assertEquals(204, call("DELETE", "/llm/providers/" + going, null).statusCode());
            log.lines().forEach(line -> logged.add(line.message()));
        }
        assertTrue(logged.contains("Provider 'del-going' deleted; model groups that lost a member: del-both, del-only"),
                logged.toString());
        assertEquals(List.of("del-keep/del-kept/1"), members(json(call("GET", "/llm/groups/del-both", null))));
        assertEquals(List.of(), members(json(call("GET", "/llm/groups/del-only", null))), "the group stays, empty");
        assertEquals(List.of("del-keep/del-kept"), resolver().group("del-both").members().stream()
                .map(GroupMember::deployment).toList());
        assertThrows(GatewayException.class, () -> resolver().group("del-only"));
        assertNull(listed("del-only"));
        assertTrue(listed("del-both") != null);
    }

    @Test
    void aProvidersRetryConfigIsCheckedOnCreateAndChange() throws Exception {
        String base = "{\"name\":\"retry-p\",\"provider_type\":\"openai\",\"config\":";
        assertInvalid(call("POST", "/llm/providers", base + "{\"retry\":{\"attempts\":0}}}"), "config.retry.attempts");
        assertInvalid(call("POST", "/llm/providers", base + "{\"retry\":{\"max_wait_ms\":-1}}}"), "config.retry.max_wait_ms");
        assertInvalid(call("POST", "/llm/providers", base + "{\"retry\":{\"attempts\":\"2\"}}}"), "config.retry.attempts");
        assertInvalid(call("POST", "/llm/providers", base + "{\"retry\":{\"backoff\":1}}}"), "config.retry.backoff");
        assertInvalid(call("POST", "/llm/providers", base + "{\"retry\":true}}"), "config.retry");
        JsonNode created = created("/llm/providers", base + "{\"retry\":{\"attempts\":2,\"max_wait_ms\":500}}}");
        assertEquals(2, created.get("config").get("retry").get("attempts").asInt());
        String id = created.get("id").asText();
        assertInvalid(call("PATCH", "/llm/providers/" + id, "{\"config\":{\"retry\":{\"attempts\":-3}}}"), "config.retry.attempts");
        assertEquals(200, call("PATCH", "/llm/providers/" + id, "{\"config\":{\"retry\":{\"attempts\":1,\"max_wait_ms\":0}}}")
                .statusCode());
    }

    @Test
    void theGroupApiNeedsTheAdminScope() throws Exception {
        String invokeKey = created("/llm/keys", "{\"name\":\"groups-invoke\",\"scopes\":[\"llm.invoke\",\"llm.read\"]}")
                .get("key").asText();
        for (String[] request : new String[][] {{"GET", "/llm/groups", null}, {"GET", "/v1/llm/groups/x", null},
                {"POST", "/llm/groups", "{}"}, {"PATCH", "/llm/groups/x", "{}"}, {"DELETE", "/llm/groups/x", null}}) {
            HttpResponse<String> anonymous = gateway.send(request[0], request[1], request[2], null);
            assertEquals(401, anonymous.statusCode(), String.join(" ", request[0], request[1]) + ": " + anonymous.body());
            HttpResponse<String> invoker = gateway.send(request[0], request[1], request[2], invokeKey);
            assertEquals(403, invoker.statusCode(), String.join(" ", request[0], request[1]) + ": " + invoker.body());
            assertEquals("insufficient_scope", json(invoker).get("error").get("code").asText());
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheGroupApi() throws Exception {
        JsonNode doc = json(call("GET", "/openapi.json", null));
        JsonNode paths = doc.get("paths");
        for (String path : List.of("/llm/groups", "/llm/groups/{id}")) {
            assertTrue(paths.has(path), path + " in " + paths.fieldNames());
        }
        assertTrue(paths.get("/llm/groups").has("post") && paths.get("/llm/groups/{id}").has("patch")
                && paths.get("/llm/groups/{id}").has("delete"), paths.get("/llm/groups").toString());
        JsonNode schemas = doc.get("components").get("schemas");
        assertTrue(schemas.get("ModelGroupCreate").toString().contains("members"), schemas.fieldNames().toString());
        assertTrue(schemas.has("ModelGroup") && schemas.has("ModelGroupPage"), schemas.fieldNames().toString());
    }

    /** The entry of {@code GET /v1/models} with this id, or null. */
    JsonNode listed(String id) throws Exception {
        for (JsonNode model : json(gateway.get("/v1/models")).get("data")) {
            if (model.get("id").asText().equals(id)) {
                return model;
            }
        }
        return null;
    }

    static List<String> members(JsonNode group) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : group.get("members")) {
            out.add(m.get("provider").asText() + "/" + m.get("model_id").asText() + "/" + m.get("weight").asInt());
        }
        return out;
    }
}
