package io.camelllmproxy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.PrometheusText;
import io.camelllmproxy.transform.Json;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole account in one run: a known mix of requests (plain, streamed with and without include_usage, an
 * unknown model, a provider error, a rate-limited request) and then /observe/metrics and the usage API, whose
 * counts, tokens and cost must equal exactly what the fake provider reported, at the model's prices.
 */
class UsageAccountingTest {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    private static final String STREAM = "{\"model\":\"%s\",\"stream\":true%s,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @Test
    void metricsAndTheUsageApiCountExactlyWhatTheProviderReported() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("acct", "openai", upstream.baseUrl(),
                     "sk-acct-provider", null, "{model_id: m, model_name: M, input_cost_per_mtok: 1000,"
                             + " output_cost_per_mtok: 2000, cached_input_cost_per_mtok: 500}"),
                     Map.of("llm.usage.flush-ms", "100"))) {
            String free = key(gateway, "{\"name\":\"acct-free\",\"scopes\":[\"llm.invoke\"]}");
            String limited = key(gateway, "{\"name\":\"acct-limited\",\"scopes\":[\"llm.invoke\"],\"rpm_limit\":1}");

            // 1. plain: 11 in (3 cached), 7 out
            upstream.replyOnce(completion(11, 7, 3));
            assertEquals(200, gateway.send("POST", "/v1/chat/completions", CHAT.formatted("m"), free).statusCode());
            // 2. a stream that asked for usage: 5 in, 3 out; the client gets the usage chunk
            upstream.replyOnce(stream(5, 3));
            HttpResponse<String> asked = gateway.send("POST", "/v1/chat/completions",
                    STREAM.formatted("m", ",\"stream_options\":{\"include_usage\":true}"), free);
            assertEquals(200, asked.statusCode());
            assertTrue(asked.body().contains("\"prompt_tokens\":5"), asked.body());
            // 3. a stream that did not: 13 in, 2 out, asked of the provider by the gateway, kept from the client
            upstream.replyOnce(stream(13, 2));
            HttpResponse<String> unasked = gateway.send("POST", "/v1/chat/completions", STREAM.formatted("m", ""), free);
            assertEquals(200, unasked.statusCode());
            assertFalse(unasked.body().contains("\"usage\""), "no usage for a client that did not ask: " + unasked.body());
            // 4. an unknown model and 5. a provider error: failures, no tokens
            assertEquals(404, gateway.send("POST", "/v1/chat/completions", CHAT.formatted("nope"), free).statusCode());
            upstream.replyOnce(new FakeUpstream.Json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}", Map.of()));
            assertEquals(500, gateway.send("POST", "/v1/chat/completions", CHAT.formatted("m"), free).statusCode());
            // 6. the limited key: one answer (4 in, 1 out), then 429 at the gate
            upstream.replyOnce(completion(4, 1, 0));
            assertEquals(200, gateway.send("POST", "/v1/chat/completions", CHAT.formatted("m"), limited).statusCode());
            assertEquals(429, gateway.send("POST", "/v1/chat/completions", CHAT.formatted("m"), limited).statusCode());

            // the usage API, once the ledger has all seven rows
            Awaitility.await("seven ledger rows").atMost(Duration.ofSeconds(30)).until(() -> ledgerTotal(gateway) == 7);
            JsonNode byKey = Json.MAPPER.readTree(gateway.get("/llm/usage?group_by=key").body()).get("data");
            JsonNode freeRow = group(byKey, "acct-free");
            assertEquals(5, freeRow.get("requests").asLong());
            assertEquals(2, freeRow.get("errors").asLong());
            assertEquals(11 + 5 + 13, freeRow.get("input_tokens").asLong());
            assertEquals(7 + 3 + 2, freeRow.get("output_tokens").asLong());
            assertEquals(3, freeRow.get("cached_tokens").asLong());
            // (29 - 3) x $1000 + 3 x $500 + 12 x $2000 per million tokens
            double freeCost = ((29 - 3) * 1000.0 + 3 * 500.0 + 12 * 2000.0) / 1_000_000;
            assertEquals(freeCost, freeRow.get("cost_usd").asDouble(), 1e-9);
            JsonNode limitedRow = group(byKey, "acct-limited");
            assertEquals(2, limitedRow.get("requests").asLong());
            assertEquals(1, limitedRow.get("errors").asLong());
            assertEquals(4, limitedRow.get("input_tokens").asLong());
            assertEquals(1, limitedRow.get("output_tokens").asLong());
            double limitedCost = (4 * 1000.0 + 2000.0) / 1_000_000;
            assertEquals(limitedCost, limitedRow.get("cost_usd").asDouble(), 1e-9);

            // /observe/metrics: the same counts (metrics are counted when each request ends, before its ledger row)
            String text = gateway.send("GET", "/observe/metrics", null, GatewayHarness.ADMIN_TOKEN).body();
            assertEquals(5, PrometheusText.sum(text, "llm_gateway_requests_total", Map.of("key_name", "acct-free")));
            assertEquals(2, PrometheusText.sum(text, "llm_gateway_requests_total", Map.of("key_name", "acct-limited")));
            assertEquals(1, PrometheusText.sum(text, "llm_gateway_requests_total", Map.of("key_name", "acct-limited", "status", "429")));
            assertEquals(29, PrometheusText.sum(text, "llm_gateway_tokens_total", Map.of("key_name", "acct-free", "type", "input")));
            assertEquals(12, PrometheusText.sum(text, "llm_gateway_tokens_total", Map.of("key_name", "acct-free", "type", "output")));
            assertEquals(33, PrometheusText.sum(text, "gen_ai_client_token_usage_sum", Map.of("gen_ai_token_type", "input")));
            assertEquals(13, PrometheusText.sum(text, "gen_ai_client_token_usage_sum", Map.of("gen_ai_token_type", "output")));
            assertEquals(freeCost, PrometheusText.sum(text, "llm_gateway_cost_usd_total", Map.of("key_name", "acct-free")), 1e-9);
            assertEquals(limitedCost, PrometheusText.sum(text, "llm_gateway_cost_usd_total", Map.of("key_name", "acct-limited")), 1e-9);
        }
    }

    private static long ledgerTotal(GatewayHarness gateway) throws Exception {
        JsonNode data = Json.MAPPER.readTree(gateway.get("/llm/usage?group_by=key").body()).get("data");
        long total = 0;
        for (JsonNode row : data) {
            total += row.get("requests").asLong();
        }
        return total;
    }

    private static JsonNode group(JsonNode data, String keyName) {
        for (JsonNode row : data) {
            if (keyName.equals(row.path("key_name").asText())) {
                return row;
            }
        }
        throw new AssertionError("no usage row for " + keyName + " in " + data);
    }

    private static String key(GatewayHarness gateway, String body) throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", body, GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body()).get("key").asText();
    }

    private static FakeUpstream.Json completion(long prompt, long completion, long cached) {
        return new FakeUpstream.Json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}}}", Map.of());
    }

    private static FakeUpstream.Sse stream(long prompt, long completion) {
        String head = "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":";
        return new FakeUpstream.Sse(List.of(
                head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}",
                head + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                head + "[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                        + ",\"total_tokens\":" + (prompt + completion) + "}}"), 0, -1);
    }
}
