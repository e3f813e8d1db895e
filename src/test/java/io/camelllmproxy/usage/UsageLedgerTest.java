package io.camelllmproxy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The usage ledger over real HTTP and a real database: a known mix of requests (plain, streamed, unknown model,
 * provider error) becomes exactly that many llm_usage rows with the columns the fake provider's answers imply, the
 * usage API sums them as the fake reported, pages them, refuses bad parameters in OpenAI's error shape, and old
 * rows are deleted by the retention timer.
 */
class UsageLedgerTest {

    private static final String CHAT = "{\"model\":\"%s\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    static FakeUpstream upstream;
    static GatewayHarness gateway;
    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), null, null,
                "{model_id: m, model_name: M}"), Map.of(
                "llm.usage.flush-ms", "100",
                // the retention timer runs often here; it deletes only rows older than 90 days
                "llm.usage.retention-check-ms", "200"));
        upstream.replyOnce(new FakeUpstream.Json(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m-upstream-0613\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":2}}}",
                Map.of()));
        assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT.formatted("m", false)).statusCode());
        upstream.replyOnce(new FakeUpstream.Sse(List.of(
                "{\"id\":\"s\",\"model\":\"m-upstream-0613\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}",
                "{\"id\":\"s\",\"model\":\"m-upstream-0613\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}",
                "[DONE]"), 0, -1));
        GatewayHarness.StreamedResponse stream = gateway.postStreaming(
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, stream.status());
        assertEquals(404, gateway.postJson("/v1/chat/completions", CHAT.formatted("nope", false)).statusCode());
        upstream.replyOnce(new FakeUpstream.Json(500, "{\"error\":{\"message\":\"boom\"}}", Map.of()));
        assertTrue(gateway.postJson("/v1/chat/completions", CHAT.formatted("m", false)).statusCode() >= 500);
        awaitRows(4);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static long count(String where) throws Exception {
        try (Connection c = gateway.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM llm_usage " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void awaitRows(long n) {
        Awaitility.await("llm_usage has " + n + " rows").atMost(Duration.ofSeconds(30))
                .until(() -> count("") == n);
    }

    static List<Map<String, Object>> ledger() throws Exception {
        try (Connection c = gateway.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM llm_usage ORDER BY id")) {
            List<Map<String, Object>> out = new java.util.ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    static Long longOrNull(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    @Test
    void everyRequestIsOneRowWithItsFacts() throws Exception {
        List<Map<String, Object>> all = ledger().stream().filter(r -> !"seeded".equals(r.get("operation"))).toList();
        assertEquals(4, all.size(), all.toString());
        Map<String, Object> plain = all.stream().filter(r -> Long.valueOf(11).equals(longOrNull(r.get("input_tokens"))))
                .findFirst().orElseThrow();
        assertEquals("m", plain.get("requested_model"));
        assertEquals("p", plain.get("provider"));
        assertEquals("openai", plain.get("provider_type"));
        assertEquals("m", plain.get("model_id"));
        assertEquals("m-upstream-0613", plain.get("response_model"));
        assertEquals(false, plain.get("streamed"));
        assertEquals(200, ((Number) plain.get("status")).intValue());
        assertNull(plain.get("error_code"));
        assertEquals(7L, longOrNull(plain.get("output_tokens")));
        assertEquals(3L, longOrNull(plain.get("cached_tokens")));
        assertEquals(2L, longOrNull(plain.get("reasoning_tokens")));
        assertEquals("admin-token", plain.get("key_id"));
        assertEquals("chat", plain.get("operation"));
        assertNotNull(plain.get("request_id"));
        assertNotNull(plain.get("created_at"));
        assertTrue(((Number) plain.get("latency_ms")).longValue() >= 0);
        assertNull(plain.get("ttft_ms"), "no first token for a plain answer");

        Map<String, Object> streamed = all.stream().filter(r -> Boolean.TRUE.equals(r.get("streamed"))).findFirst().orElseThrow();
        assertEquals(5L, longOrNull(streamed.get("input_tokens")));
        assertEquals(4L, longOrNull(streamed.get("output_tokens")));
        assertEquals(200, ((Number) streamed.get("status")).intValue());
        assertNotNull(streamed.get("ttft_ms"), "a stream's time to first token is kept");

        Map<String, Object> unknown = all.stream().filter(r -> "nope".equals(r.get("requested_model"))).findFirst().orElseThrow();
        assertEquals(404, ((Number) unknown.get("status")).intValue());
        assertEquals("model_not_found", unknown.get("error_code"));
        assertNull(unknown.get("provider"));
        assertNull(unknown.get("input_tokens"), "no usage reported: NULL, not 0");

        // the provider's error named no code: the row has the status the client got, and counts as an error below
        Map<String, Object> failed = all.stream().filter(r -> ((Number) r.get("status")).intValue() >= 500)
                .findFirst().orElseThrow(() -> new AssertionError(all.toString()));
        assertEquals("m", failed.get("requested_model"));
        assertNull(failed.get("input_tokens"));
        assertEquals("p", failed.get("provider"));
        assertEquals(4, all.stream().map(r -> r.get("request_id")).distinct().count(), "one row per request");
    }

    @Test
    void summaryByModelSumsWhatTheProviderReported() throws Exception {
        JsonNode summary = ok(gateway.get("/llm/usage?group_by=model"));
        assertEquals("model", summary.get("group_by").asText());
        JsonNode m = group(summary, "m");
        assertEquals(3, m.get("requests").asLong());
        assertEquals(1, m.get("errors").asLong());
        assertEquals(16, m.get("input_tokens").asLong());
        assertEquals(11, m.get("output_tokens").asLong());
        assertEquals(3, m.get("cached_tokens").asLong());
        assertEquals(2, m.get("reasoning_tokens").asLong());
        assertEquals(0, m.get("cost_usd").decimalValue().signum());
        assertTrue(m.get("unpriced").asBoolean(), "tokens of a model without a price are marked unpriced");
        JsonNode nope = group(summary, "nope");
        assertEquals(1, nope.get("requests").asLong());
        assertEquals(1, nope.get("errors").asLong());
        assertFalse(nope.get("unpriced").asBoolean(), "no tokens, nothing left unpriced");
    }

    @Test
    void summaryByKeyProviderAndDay() throws Exception {
        JsonNode byKey = ok(gateway.get("/llm/usage?group_by=key"));
        JsonNode admin = group(byKey, "admin-token");
        assertEquals(4, admin.get("requests").asLong());
        assertEquals(2, admin.get("errors").asLong());
        assertEquals(16, admin.get("input_tokens").asLong());
        assertEquals(11, admin.get("output_tokens").asLong());
        JsonNode byProvider = ok(gateway.get("/llm/usage?group_by=provider"));
        assertEquals(3, group(byProvider, "p").get("requests").asLong());
        // rows seeded an hour ago by another test stay out of this window
        String from = Instant.now().minus(10, ChronoUnit.MINUTES).toString();
        JsonNode byDay = ok(gateway.get("/v1/llm/usage?group_by=day&from=" + from));
        long today = 0;
        for (JsonNode day : byDay.get("data")) {
            LocalDate.parse(day.get("group").asText());
            today += day.get("requests").asLong();
        }
        assertEquals(4, today, "every request of the last day, under /v1/llm too: " + byDay);
    }

    @Test
    void aPricedModelsCostIsSummedAndNotMarkedUnpriced() throws Exception {
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS);
        insert(at, "priced-model", true, "0.25", 100L);
        insert(at, "priced-model", true, "0.5", 200L);
        JsonNode priced = group(ok(gateway.get("/llm/usage?group_by=model")), "priced-model");
        assertEquals(0, new java.math.BigDecimal("0.75").compareTo(priced.get("cost_usd").decimalValue()), priced.toString());
        assertEquals(300, priced.get("input_tokens").asLong());
        assertFalse(priced.get("unpriced").asBoolean());
    }

    @Test
    void requestsArePagedNewestFirstAndFiltered() throws Exception {
        String from = Instant.now().minus(10, ChronoUnit.MINUTES).toString();
        JsonNode first = ok(gateway.get("/llm/usage/requests?model=m&page_size=2&from=" + from));
        assertEquals(3, first.get("total").asLong());
        assertEquals(2, first.get("requests").size());
        JsonNode second = ok(gateway.get("/llm/usage/requests?model=m&page_size=2&page=2&from=" + from));
        assertEquals(1, second.get("requests").size());
        assertEquals(0, ok(gateway.get("/llm/usage/requests?model=m&page_size=2&page=3&from=" + from)).get("requests").size());
        Set<String> ids = new HashSet<>();
        first.get("requests").forEach(r -> ids.add(r.get("request_id").asText()));
        second.get("requests").forEach(r -> ids.add(r.get("request_id").asText()));
        assertEquals(3, ids.size(), "pages do not overlap");
        assertTrue(first.get("requests").get(0).get("created_at").asText()
                .compareTo(first.get("requests").get(1).get("created_at").asText()) >= 0, "newest first");
        JsonNode row = second.get("requests").get(0);
        for (String field : List.of("id", "created_at", "request_id", "key_id", "key_name", "requested_model", "provider",
                "model_id", "streamed", "status", "error_code", "input_tokens", "output_tokens", "cost_usd", "priced",
                "latency_ms", "ttft_ms", "attempts")) {
            assertTrue(row.has(field), field + " in " + row);
        }
        assertEquals(4, ok(gateway.get("/llm/usage/requests?key_id=admin-token&from=" + from)).get("total").asLong());
        assertEquals(0, ok(gateway.get("/llm/usage/requests?key_id=other&from=" + from)).get("total").asLong());
        String future = Instant.now().plus(1, ChronoUnit.DAYS).toString();
        assertEquals(0, ok(gateway.get("/llm/usage/requests?from=" + future + "&to=" + Instant.now().plus(2, ChronoUnit.DAYS)))
                .get("total").asLong(), "a window with no request");
    }

    @Test
    void badParametersAre422InOpenAisShape() throws Exception {
        assertInvalid("/llm/usage?group_by=week", "group_by");
        assertInvalid("/llm/usage?from=yesterday", "from");
        assertInvalid("/llm/usage?to=2026-13-01", "to");
        assertInvalid("/llm/usage?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from");
        assertInvalid("/llm/usage/requests?page_size=0", "page_size");
        assertInvalid("/llm/usage/requests?page=x", "page");
        // an offset's unencoded '+' arrives as a space: still read as the offset
        assertEquals(200, gateway.get("/llm/usage?from=2026-01-01T00:00:00+02:00&to=2026-01-02").statusCode());
    }

    @Test
    void usageNeedsTheAdminScope() throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", "{\"name\":\"invoker\",\"scopes\":[\"llm.invoke\"]}",
                GatewayHarness.ADMIN_TOKEN);
        String key = Json.MAPPER.readTree(created.body()).get("key").asText();
        assertEquals(403, gateway.send("GET", "/llm/usage", null, key).statusCode());
        assertEquals(401, gateway.send("GET", "/llm/usage/requests", null, null).statusCode());
    }

    @Test
    void retentionDeletesRowsOlderThanItsDays() throws Exception {
        Instant now = Instant.now();
        insert(now.minus(91, ChronoUnit.DAYS), "old-model", false, "0", null);
        insert(now.minus(89, ChronoUnit.DAYS), "kept-model", false, "0", null);
        Awaitility.await("the row older than 90 days is deleted").atMost(Duration.ofSeconds(30))
                .until(() -> count("WHERE requested_model = 'old-model'") == 0);
        assertEquals(1, count("WHERE requested_model = 'kept-model'"));
    }

    private static void insert(Instant at, String model, boolean priced, String cost, Long input) throws Exception {
        try (Connection c = gateway.database().connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO llm_usage (created_at, request_id, operation, requested_model, streamed, status, input_tokens,"
                        + " cost_usd, priced, latency_ms) VALUES (?, ?, 'seeded', ?, FALSE, 200, ?, ?, ?, 1)")) {
            ps.setObject(1, at.atOffset(ZoneOffset.UTC));
            ps.setString(2, "seed-" + model + "-" + at.toEpochMilli());
            ps.setString(3, model);
            if (input == null) {
                ps.setNull(4, java.sql.Types.BIGINT);
            } else {
                ps.setLong(4, input);
            }
            ps.setBigDecimal(5, new java.math.BigDecimal(cost));
            ps.setBoolean(6, priced);
            ps.executeUpdate();
        }
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }

    private static JsonNode group(JsonNode summary, String name) {
        for (JsonNode group : summary.get("data")) {
            if (name.equals(group.get("group").asText(null))) {
                return group;
            }
        }
        throw new AssertionError("no group " + name + " in " + summary);
    }

    private static void assertInvalid(String path, String param) throws Exception {
        HttpResponse<String> response = gateway.get(path);
        assertEquals(422, response.statusCode(), path + ": " + response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals("validation_failed", error.get("code").asText());
        assertEquals(param, error.get("param").asText());
        assertNotNull(error.get("message").asText());
        assertTrue(error.has("type"));
    }
}
