package io.camelllmproxy.metrics;

import io.camelllmproxy.events.RequestRecord;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.usage.TokenUsage;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /observe/metrics} of the standalone gateway, scraped over HTTP after a known mix of requests (a plain answer,
 * a stream with usage, an unknown model, a provider's 500, a provider that refuses connections, a group that fails
 * over): every count and sum equals what
 * the requests and the fake providers' usage make, under the names and labels Prometheus users of OpenTelemetry's
 * GenAI conventions expect.
 */
class GenAiMetricsTest {

    static final String CLIENT = "metrics-client";

    static FakeUpstream good;
    static FakeUpstream bad;
    static GatewayHarness gateway;
    static String clientKey;
    static String scraperKey;

    @BeforeAll
    static void start() throws Exception {
        good = new FakeUpstream();
        bad = new FakeUpstream();
        bad.replyJson(500, "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        gateway = GatewayHarness.start("providers:\n"
                + provider("metrics-good", "openai", good.baseUrl(), "sk-good", null, "{model_id: m-good}")
                + provider("metrics-bad", "openai", bad.baseUrl(), "sk-bad", null, "{model_id: m-bad}")
                + provider("metrics-closed", "openai", "http://127.0.0.1:" + closedPort + "/v1", "sk-closed", null,
                "{model_id: m-closed}")
                + provider("metrics-flaky", "openai", bad.baseUrl(), "sk-flaky", null, "{model_id: m-flaky}")
                + "model_groups:\n"
                + "  - name: metrics-pair\n    strategy: fallback\n    members:\n"
                + "      - {provider: metrics-flaky, model_id: m-flaky}\n"
                + "      - {provider: metrics-good, model_id: m-good}\n", Map.of());
        clientKey = key("{\"name\":\"" + CLIENT + "\",\"scopes\":[\"llm.invoke\"]}");
        // a limit of one request a minute: a scrape spends none of it
        scraperKey = key("{\"name\":\"scraper\",\"scopes\":[\"metrics\"],\"rpm_limit\":1}");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        good.close();
        bad.close();
    }

    @Test
    void theScrapeNeedsTheMetricsOrAdminScope() throws Exception {
        assertEquals(401, gateway.send("GET", "/observe/metrics", null, null).statusCode());
        HttpResponse<String> invokeOnly = gateway.send("GET", "/observe/metrics", null, clientKey);
        assertEquals(403, invokeOnly.statusCode());
        assertEquals("insufficient_scope", Json.MAPPER.readTree(invokeOnly.body()).at("/error/code").asText());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, gateway.send("GET", "/observe/metrics", null, scraperKey).statusCode(), "scrape " + i);
        }
        assertEquals(200, gateway.send("GET", "/observe/metrics", null, GatewayHarness.ADMIN_TOKEN).statusCode());
        // the metrics scope opens nothing else
        assertEquals(403, gateway.send("GET", "/llm/keys", null, scraperKey).statusCode());
        assertEquals(403, gateway.send("POST", "/v1/chat/completions", chat("m-good", false), scraperKey).statusCode());
    }

    @Test
    void countsAndSumsAreExactlyWhatTheRequestsMade() throws Exception {
        good.replyJson(200, answer("m-good-2024", 3, 5));
        HttpResponse<String> plain = gateway.send("POST", "/v1/chat/completions", chat("m-good", false), clientKey);
        assertEquals(200, plain.statusCode(), plain.body());

        good.reply(new FakeUpstream.Stepped(List.of(chunk("m-good-2024", "hi"), usageChunk("m-good-2024", 7, 4), "[DONE]"), 0));
        CompletableFuture<HttpResponse<String>> stream = CompletableFuture.supplyAsync(() -> stream(chat("m-good", true)));
        await("the stream is counted while it is open").atMost(30, SECONDS)
                .until(() -> value(scrape(), "llm_gateway_streams_active", Map.of()) == 1.0);
        good.step();
        good.step();
        HttpResponse<String> streamed = stream.get(30, SECONDS);
        assertEquals(200, streamed.statusCode());
        assertTrue(streamed.body().contains("\"prompt_tokens\":7"), streamed.body());

        HttpResponse<String> unknown = gateway.send("POST", "/v1/chat/completions", chat("no-such-model-4711", false), clientKey);
        assertEquals(404, unknown.statusCode());
        HttpResponse<String> broken = gateway.send("POST", "/v1/chat/completions", chat("m-bad", false), clientKey);
        String brokenStatus = String.valueOf(broken.statusCode());
        // the provider's error is relayed as it came, without a code: its error type is the status
        String brokenCode = Json.MAPPER.readTree(broken.body()).at("/error/code").asText(brokenStatus);
        assertFalse(broken.statusCode() < 400, broken.body());

        HttpResponse<String> refused = gateway.send("POST", "/v1/chat/completions", chat("m-closed", false), clientKey);
        assertEquals(502, refused.statusCode(), refused.body());

        good.replyJson(200, answer("m-good-2024", 11, 13));
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", chat("metrics-pair", false), clientKey).statusCode());

        // every request is recorded once its exchange is done, which may be just after the client got the answer
        // (each on the thread that finished it, in no set order: wait for the last meter each request touches)
        await("the six requests are recorded").atMost(30, SECONDS).until(() -> {
            String scraped = scrape();
            return value(scraped, "gen_ai_server_request_duration_seconds_count", Map.of()) == 6.0
                    && value(scraped, "llm_gateway_requests_total", Map.of()) == 6.0
                    && PrometheusText.samples(scraped, "llm_gateway_cost_usd_total").size() == 2
                    && value(scraped, "llm_gateway_upstream_attempts_total", Map.of()) == 6.0;
        });
        String text = scrape();

        Map<String, String> good = Map.of("model", "m-good", "provider", "metrics-good", "key_name", CLIENT);
        assertEquals(2.0, value(text, "llm_gateway_requests_total", with(good, "status", "200")), text);
        assertEquals(1.0, value(text, "llm_gateway_requests_total",
                Map.of("model", "unknown", "provider", "", "key_name", CLIENT, "status", "404")));
        assertEquals(1.0, value(text, "llm_gateway_requests_total",
                Map.of("model", "m-bad", "provider", "metrics-bad", "status", brokenStatus)));
        assertEquals(1.0, value(text, "llm_gateway_requests_total",
                Map.of("model", "metrics-pair", "provider", "metrics-good", "status", "200")));
        assertEquals(1.0, value(text, "llm_gateway_requests_total",
                Map.of("model", "m-closed", "provider", "metrics-closed", "status", "502")));
        assertEquals(6.0, value(text, "llm_gateway_requests_total", Map.of("key_name", CLIENT)));

        assertEquals(3.0 + 7, value(text, "llm_gateway_tokens_total", with(good, "type", "input")));
        assertEquals(5.0 + 4, value(text, "llm_gateway_tokens_total", with(good, "type", "output")));
        assertEquals(3.0 + 7 + 11, value(text, "llm_gateway_tokens_total", Map.of("type", "input")));
        assertEquals(5.0 + 4 + 13, value(text, "llm_gateway_tokens_total", Map.of("type", "output")));
        // no prices yet: the requests cost nothing, and say so
        assertEquals(0.0, value(text, "llm_gateway_cost_usd_total", Map.of()));

        Map<String, String> genAi = Map.of("gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", "m-good", "gen_ai_response_model", "m-good-2024");
        assertEquals(2.0, value(text, "gen_ai_server_request_duration_seconds_count", with(genAi, "error_type", "")));
        assertEquals(1.0, value(text, "gen_ai_server_request_duration_seconds_count",
                Map.of("gen_ai_request_model", "unknown", "error_type", "model_not_found")));
        assertEquals(1.0, value(text, "gen_ai_server_request_duration_seconds_count",
                Map.of("gen_ai_request_model", "m-bad", "error_type", brokenCode)));
        assertEquals(1.0, value(text, "gen_ai_server_request_duration_seconds_count",
                Map.of("gen_ai_request_model", "m-closed", "error_type", "upstream_unreachable")));
        assertEquals(1.0, value(text, "gen_ai_server_time_to_first_token_seconds_count", genAi));
        assertEquals(1.0, value(text, "gen_ai_server_time_per_output_token_seconds_count", genAi));
        assertEquals(2.0, value(text, "gen_ai_client_token_usage_count", with(genAi, "gen_ai_token_type", "input")));
        assertEquals(3.0 + 7, value(text, "gen_ai_client_token_usage_sum", with(genAi, "gen_ai_token_type", "input")));
        assertEquals(5.0 + 4, value(text, "gen_ai_client_token_usage_sum", with(genAi, "gen_ai_token_type", "output")));
        // OpenTelemetry's bucket boundaries: 4 and 16 tokens; 3 input tokens fall in le=4, 3 and 7 in le=16
        assertEquals(1.0, value(text, "gen_ai_client_token_usage_bucket", with(with(genAi, "gen_ai_token_type", "input"), "le", "4.0")));
        assertEquals(2.0, value(text, "gen_ai_client_token_usage_bucket", with(with(genAi, "gen_ai_token_type", "input"), "le", "16.0")));
        assertTrue(text.contains("gen_ai_server_request_duration_seconds_bucket{") && text.contains("le=\"81.92\""), text);

        assertEquals(3.0, value(text, "llm_gateway_upstream_attempts_total", Map.of("provider", "metrics-good", "outcome", "success")));
        assertEquals(1.0, value(text, "llm_gateway_upstream_attempts_total", Map.of("provider", "metrics-bad", "outcome", "http_5xx")));
        assertEquals(1.0, value(text, "llm_gateway_upstream_attempts_total", Map.of("provider", "metrics-flaky", "outcome", "http_5xx")));
        assertEquals(1.0, value(text, "llm_gateway_upstream_attempts_total", Map.of("provider", "metrics-closed", "outcome", "connect")));
        assertEquals(6.0, value(text, "llm_gateway_upstream_attempts_total", Map.of()), "the 404 called no provider");
        assertEquals(0.0, value(text, "llm_gateway_streams_active", Map.of()));

        // Camel's own meters (the chat route by its id) and the JVM's
        await("Camel's meter of the chat route").atMost(30, SECONDS)
                .until(() -> value(scrape(), "camel_exchanges_total", Map.of("routeId", "llm-http-chat-completions")) == 6.0);
        assertTrue(text.contains("jvm_memory_used_bytes{"), text);
        assertFalse(text.contains("no-such-model-4711"), "a model name that did not resolve is no label");
        assertFalse(text.contains("sk-good"), "no provider key in the metrics");
    }

    @Test
    void costIsTheSumOfTheRecordsCostsPerModelProviderAndKey() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GenAiMetrics metrics = new GenAiMetrics();
        metrics.finished(record("priced", 0.25));
        assertEquals("", registry.scrape(), "nothing is recorded before a registry is bound");
        metrics.bindTo(registry);
        metrics.finished(record("priced", 0.25));
        metrics.finished(record("priced", 0.125));
        metrics.finished(record("other", 1.5));
        String text = registry.scrape();
        assertEquals(0.375, value(text, "llm_gateway_cost_usd_total",
                Map.of("model", "priced", "provider", "p", "key_name", "k")), text);
        assertEquals(1.875, value(text, "llm_gateway_cost_usd_total", Map.of()));
    }

    private static RequestRecord record(String model, double cost) {
        return new RequestRecord("r", Instant.now(), RequestRecord.CHAT, "k1", "k", model, null, "p", "openai", model,
                model, false, 200, null, new TokenUsage(10, 20, 0, 0), cost, true, 1_000_000, null, null, null, List.of());
    }

    private static String key(String body) throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", body, GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body()).get("key").asText();
    }

    private static HttpResponse<String> stream(String body) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + clientKey)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = gateway.send("GET", "/observe/metrics", null, scraperKey);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels}. */
    static double value(String text, String name, Map<String, String> labels) {
        return PrometheusText.samples(text, name).stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(labels);
        more.put(name, value);
        return more;
    }

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
    }

    static String answer(String model, int prompt, int completion) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + model + "\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }

    static String chunk(String model, String content) {
        return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}]}";
    }

    static String usageChunk(String model, int prompt, int completion) {
        return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }
}
