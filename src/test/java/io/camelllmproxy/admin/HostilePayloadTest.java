package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and hostile admin payloads: each is answered with a 4xx OpenAI-shaped JSON error, and the
 * database holds exactly what it held before.
 */
class HostilePayloadTest {

    static GatewayHarness gateway;
    static String providerId;

    record Attack(String name, String method, String path, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayHarness.start("providers:\n  - name: existing\n    provider_type: openai\n    api_base: http://127.0.0.1:9/v1\n"
                + "    models:\n      - {model_id: existing-model, model_name: Existing}\n", Map.of());
        JsonNode providers = Json.MAPPER.readTree(gateway.send("GET", "/llm/providers", null, GatewayHarness.ADMIN_TOKEN).body());
        providerId = providers.get("providers").get(0).get("id").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    static String provider(String fields) {
        return "{\"name\":\"attack\",\"provider_type\":\"openai\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    static String deep(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    static List<Attack> attacks() {
        String p = "/llm/providers";
        String m = "/llm/models";
        List<Attack> list = new ArrayList<>(List.of(
                new Attack("empty body", "POST", p, ""),
                new Attack("not json", "POST", p, "{name: attack"),
                new Attack("json array", "POST", p, "[{\"name\":\"attack\"}]"),
                new Attack("json string", "POST", p, "\"attack\""),
                new Attack("json null", "POST", p, "null"),
                new Attack("trailing garbage", "POST", p, provider("") + "{}"),
                new Attack("missing name", "POST", p, "{\"provider_type\":\"openai\"}"),
                new Attack("missing type", "POST", p, "{\"name\":\"attack\"}"),
                new Attack("name is a number", "POST", p, "{\"name\":42,\"provider_type\":\"openai\"}"),
                new Attack("name is an object", "POST", p, "{\"name\":{\"$ne\":null},\"provider_type\":\"openai\"}"),
                new Attack("name is null", "POST", p, "{\"name\":null,\"provider_type\":\"openai\"}"),
                new Attack("empty name", "POST", p, "{\"name\":\"\",\"provider_type\":\"openai\"}"),
                new Attack("blank name", "POST", p, "{\"name\":\"   \",\"provider_type\":\"openai\"}"),
                new Attack("huge name", "POST", p, "{\"name\":\"" + "a".repeat(10_000) + "\",\"provider_type\":\"openai\"}"),
                new Attack("sql in name", "POST", p, "{\"name\":\"x'; DROP TABLE llm_providers; --\",\"provider_type\":\"openai\"}"),
                new Attack("html in name", "POST", p, "{\"name\":\"<script>alert(1)</script>\",\"provider_type\":\"openai\"}"),
                new Attack("rtl override in name", "POST", p, "{\"name\":\"evil\\u202egnp\",\"provider_type\":\"openai\"}"),
                new Attack("zero-width in name", "POST", p, "{\"name\":\"adm\\u200bin\",\"provider_type\":\"openai\"}"),
                new Attack("null byte in name", "POST", p, "{\"name\":\"a\\u0000b\",\"provider_type\":\"openai\"}"),
                new Attack("newline in name", "POST", p, "{\"name\":\"a\\nb\",\"provider_type\":\"openai\"}"),
                new Attack("duplicate name", "POST", p, "{\"name\":\"existing\",\"provider_type\":\"openai\"}"),
                new Attack("unknown type", "POST", p, provider("").replace("openai", "skynet")),
                new Attack("type is array", "POST", p, "{\"name\":\"attack\",\"provider_type\":[\"openai\"]}"),
                new Attack("ftp api_base", "POST", p, provider("\"api_base\":\"ftp://example.com\"")),
                new Attack("javascript api_base", "POST", p, provider("\"api_base\":\"javascript:alert(1)\"")),
                new Attack("credentials in api_base", "POST", p, provider("\"api_base\":\"https://user:pass@example.com/v1\"")),
                new Attack("metadata ip api_base", "POST", p, provider("\"api_base\":\"http://169.254.169.254/latest/meta-data\"")),
                new Attack("metadata ipv6 api_base", "POST", p, provider("\"api_base\":\"http://[fd00:ec2::254]/\"")),
                new Attack("metadata name api_base", "POST", p, provider("\"api_base\":\"http://metadata.google.internal/computeMetadata/v1\"")),
                new Attack("huge api_base", "POST", p, provider("\"api_base\":\"https://example.com/" + "a".repeat(600) + "\"")),
                new Attack("temperature too high", "POST", p, provider("\"default_temperature\":2.5")),
                new Attack("temperature negative", "POST", p, provider("\"default_temperature\":-0.1")),
                new Attack("temperature as string", "POST", p, provider("\"default_temperature\":\"hot\"")),
                new Attack("max tokens zero", "POST", p, provider("\"default_max_tokens\":0")),
                new Attack("max tokens fraction", "POST", p, provider("\"default_max_tokens\":1.5")),
                new Attack("max tokens overflow", "POST", p, provider("\"default_max_tokens\":99999999999999")),
                new Attack("enabled as string", "POST", p, provider("\"enabled\":\"yes\"")),
                new Attack("config as string", "POST", p, provider("\"config\":\"{}\"")),
                new Attack("deep config", "POST", p, provider("\"config\":" + deep(12))),
                new Attack("very deep json", "POST", p, deep(5000)),
                new Attack("huge config", "POST", p, provider("\"config\":{\"x\":\"" + "b".repeat(70_000) + "\"}")),
                new Attack("body over the admin limit", "POST", p, provider("\"description\":\"" + "c".repeat(300_000) + "\"")),
                new Attack("html description", "POST", p, provider("\"description\":\"<img src=x onerror=alert(1)>\"")),
                new Attack("plugin_ids not strings", "POST", p, provider("\"plugin_ids\":[1,2]")),
                new Attack("unknown field", "POST", p, provider("\"is_admin\":true")),
                new Attack("api_version injection", "POST", p, provider("\"api_version\":\"2024-01-01&x=1\"")),
                new Attack("patch unknown id", "PATCH", p + "/does-not-exist", "{\"description\":\"x\"}"),
                new Attack("patch sql id", "PATCH", p + "/x'%20OR%20'1'='1", "{\"description\":\"x\"}"),
                new Attack("patch name to null", "PATCH", p + "/{id}", "{\"name\":null}"),
                new Attack("patch type to null", "PATCH", p + "/{id}", "{\"provider_type\":null}"),
                new Attack("patch enabled null", "PATCH", p + "/{id}", "{\"enabled\":null}"),
                new Attack("patch metadata api_base", "PATCH", p + "/{id}", "{\"api_base\":\"http://169.254.169.254\"}"),
                new Attack("model without provider", "POST", m, "{\"model_id\":\"x\",\"model_name\":\"X\"}"),
                new Attack("model of unknown provider", "POST", m, "{\"provider_id\":\"nope\",\"model_id\":\"x\",\"model_name\":\"X\"}"),
                new Attack("duplicate model", "POST", m, "{\"provider_id\":\"{id}\",\"model_id\":\"existing-model\",\"model_name\":\"X\"}"),
                new Attack("model id html", "POST", m, "{\"provider_id\":\"{id}\",\"model_id\":\"<b>x</b>\",\"model_name\":\"X\"}"),
                new Attack("model context zero", "POST", m, "{\"provider_id\":\"{id}\",\"model_id\":\"ok\",\"model_name\":\"X\",\"context_window\":0}"),
                new Attack("model flag as number", "POST", m, "{\"provider_id\":\"{id}\",\"model_id\":\"ok\",\"model_name\":\"X\",\"supports_vision\":1}"),
                new Attack("key without name", "POST", "/llm/keys", "{\"scopes\":[\"llm.invoke\"]}"),
                new Attack("key with unknown scope", "POST", "/llm/keys", "{\"name\":\"k\",\"scopes\":[\"superuser\"]}"),
                new Attack("key with empty scopes", "POST", "/llm/keys", "{\"name\":\"k\",\"scopes\":[]}"),
                new Attack("key with negative limit", "POST", "/llm/keys", "{\"name\":\"k\",\"rpm_limit\":-5}"),
                new Attack("key with bad expiry", "POST", "/llm/keys", "{\"name\":\"k\",\"expires_at\":\"tomorrow\"}"),
                new Attack("form content type", "POST-FORM", p, "name=attack&provider_type=openai"),
                new Attack("page size too big", "GET", p + "?page_size=100000", null),
                new Attack("page not a number", "GET", p + "?page=abc", null),
                new Attack("state not boolean", "POST", p + "/{id}/state?activate=1;DROP", null)));
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void isRefusedWith4xxJsonAndChangesNothing(Attack attack) throws Exception {
        List<List<String>> before = snapshot();
        String path = attack.path().replace("{id}", providerId);
        String body = attack.body() == null ? null : attack.body().replace("{id}", providerId);
        HttpResponse<String> response;
        if (attack.method().equals("POST-FORM")) {
            response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(gateway.url(path))).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } else {
            response = gateway.send(attack.method(), path, body, GatewayHarness.ADMIN_TOKEN);
        }
        assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, attack + " got " + response.statusCode() + " " + response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertTrue(error != null && error.hasNonNull("message") && error.has("type") && error.has("code"), attack + ": " + response.body());
        assertEquals(before, snapshot(), attack + " changed the database");
    }

    static List<List<String>> snapshot() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = gateway.database().connect(); Statement s = c.createStatement()) {
            for (String table : new String[] {"llm_providers", "llm_models", "llm_api_keys"}) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        row.add(table);
                        for (int i = 1; i <= columns; i++) {
                            if (!rs.getMetaData().getColumnLabel(i).equalsIgnoreCase("last_used_at")) {
                                row.add(rs.getString(i));
                            }
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }
}
