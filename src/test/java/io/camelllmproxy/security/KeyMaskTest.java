package io.camelllmproxy.security;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider that echoes the key it received in every error field, relayed header and stream event: the key
 * reaches neither the client (headers, body, stream) nor the log, at every relay point.
 */
class KeyMaskTest {

    static final String KEY = "sk-echo-secret-key-31415926";
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    static final String STREAM = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    /** Every header the gateway relays, each echoing the key. */
    static final Map<String, String> ECHOED_HEADERS = Map.of("x-request-id", "req-" + KEY, "x-ratelimit-limit-requests", KEY,
            "x-ratelimit-remaining-tokens", KEY + "-7", "retry-after", KEY, "retry-after-ms", KEY, "openai-processing-ms", KEY);
    static final String ERROR_BODY = "{\"error\":{\"message\":\"bad key " + KEY + "\",\"type\":\"" + KEY + "\",\"code\":\""
            + KEY + "\",\"param\":\"" + KEY + "\"}}";

    static LogCapture capture;
    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        capture = LogCapture.everything(Level.DEBUG);
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n"
                + provider("echo", "openai", upstream.baseUrl(), KEY, null, "{model_id: m, model_name: M}")
                + provider("claude", "anthropic", upstream.baseUrl(), KEY, null, "{model_id: c, model_name: C}")
                + provider("llama", "ollama", upstream.baseUrl().replace("/v1", ""), KEY, null, "{model_id: l, model_name: L}"),
                Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
        capture.close();
        assertTrue(capture.lines().stream().anyMatch(l -> l.logger().endsWith("ErrorResponder") || l.message().contains("503")),
                "the capture saw the error log lines");
        for (String line : capture.texts()) {
            assertFalse(line.contains(KEY), "the log holds the provider key: " + line);
        }
    }

    static void assertNoKey(HttpHeaders headers, String body) {
        headers.map().forEach((name, values) -> values.forEach(value ->
                assertFalse(value.contains(KEY), "header " + name + " holds the key: " + value)));
        assertFalse(body.contains(KEY), "the body holds the key: " + body);
    }

    void assertUpstreamGotTheKey() throws InterruptedException {
        assertEquals("Bearer " + KEY, upstream.take().header("Authorization"), "the echoed value is the key it received");
    }

    @Test
    void anErrorAnswerEchoingTheKeyInEveryFieldAndHeaderIsMasked() throws Exception {
        upstream.reply(new FakeUpstream.Json(503, ERROR_BODY, ECHOED_HEADERS));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT);
        assertEquals(503, response.statusCode());
        assertNoKey(response.headers(), response.body());
        var error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals(KeyMask.MASK, error.get("code").asText());
        assertEquals(KeyMask.MASK, error.get("type").asText());
        assertEquals(KeyMask.MASK, error.get("param").asText());
        assertEquals("bad key " + KeyMask.MASK, error.get("message").asText());
        assertEquals("req-" + KeyMask.MASK, response.headers().firstValue("x-request-id").orElseThrow(),
                "relayed headers are kept, masked");
        assertUpstreamGotTheKey();
    }

    @Test
    void aKeyStraddlingTheMessageCutIsMaskedWhole() throws Exception {
        upstream.reply(new FakeUpstream.Json(500, "{\"error\":{\"message\":\"" + "m".repeat(1990) + KEY + "\"}}", Map.of()));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT);
        assertEquals(500, response.statusCode());
        assertFalse(response.body().contains(KEY.substring(0, 10)), "a prefix of the key survived the cut: " + response.body());
        assertUpstreamGotTheKey();
    }

    @Test
    void aStreamAnsweredWithAContentTypeEchoingTheKeyIsMasked() throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, "text/plain; x=" + "p".repeat(90) + KEY, List.of("hello"), 1));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", STREAM);
        assertEquals(502, response.statusCode());
        assertNoKey(response.headers(), response.body());
        assertFalse(response.body().contains(KEY.substring(0, 10)), response.body());
        assertUpstreamGotTheKey();
    }

    @Test
    void anErrorAnswerToAStreamRequestIsMasked() throws Exception {
        upstream.reply(new FakeUpstream.Json(429, ERROR_BODY, ECHOED_HEADERS));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(STREAM);
        assertEquals(429, response.status());
        assertNoKey(response.headers(), String.join("\n", response.lines().stream().map(GatewayHarness.TimedLine::line).toList()));
        assertUpstreamGotTheKey();
    }

    @Test
    void aCompletionEchoingTheKeyInItsContentAndHeadersIsMasked() throws Exception {
        upstream.reply(new FakeUpstream.Json(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"your key is " + KEY + "\"},"
                + "\"finish_reason\":\"stop\"}]}", ECHOED_HEADERS));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT);
        assertEquals(200, response.statusCode());
        assertNoKey(response.headers(), response.body());
        assertTrue(response.body().contains("your key is " + KeyMask.MASK), response.body());
        assertUpstreamGotTheKey();
    }

    @Test
    void aStreamEchoingTheKeyInHeadersChunksAndErrorEventsIsMasked() throws Exception {
        String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"key " + KEY + "\"},\"finish_reason\":null}]}";
        upstream.reply(new FakeUpstream.Raw(200, "text/event-stream", List.of("data: " + chunk + "\n\n",
                "data: " + ERROR_BODY + "\n\n", "data: [DONE]\n\n"), 1, ECHOED_HEADERS));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(STREAM);
        assertEquals(200, response.status());
        List<String> data = response.data();
        assertNoKey(response.headers(), String.join("\n", data));
        assertTrue(data.stream().anyMatch(d -> d.contains("\"error\"") && d.contains(KeyMask.MASK)), "the error event was relayed, masked: " + data);
        assertEquals("[DONE]", data.get(data.size() - 1));
        assertUpstreamGotTheKey();
    }

    @Test
    void anOllamaErrorLineEchoingTheKeyIsMasked() throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, "application/x-ndjson", List.of(
                "{\"model\":\"l\",\"created_at\":\"2024-12-06T00:46:58.1Z\",\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"done\":false}\n",
                "{\"error\":\"key " + KEY + " refused\"}\n"), 1, ECHOED_HEADERS));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(STREAM.replace("\"m\"", "\"l\""));
        List<String> data = response.data();
        assertNoKey(response.headers(), String.join("\n", data));
        assertTrue(data.stream().anyMatch(d -> d.contains("key " + KeyMask.MASK + " refused")), "the error line was relayed, masked: " + data);
        assertUpstreamGotTheKey();
    }

    @Test
    void anAnthropicErrorEventEchoingTheKeyIsMasked() throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, "text/event-stream", List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"c\",\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n",
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"" + KEY + "\",\"message\":\"echo " + KEY + "\"}}\n\n"),
                1, ECHOED_HEADERS));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(STREAM.replace("\"m\"", "\"c\""));
        List<String> data = response.data();
        assertNoKey(response.headers(), String.join("\n", data));
        assertTrue(data.stream().anyMatch(d -> d.contains("\"error\"")), "the error event was relayed: " + data);
        assertEquals(KEY, upstream.take().header("x-api-key"), "the echoed value is the key it received");
    }
}
