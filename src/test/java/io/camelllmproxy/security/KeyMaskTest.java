package io.camelllmproxy.security;

import com.fasterxml.jackson.databind.JsonNode;
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
    /** A key with the characters JSON may escape: {@code /} as {@code \/}, and any character as a u-escape. */
    static final String SLASH_KEY = "sk-proj/AbC+dEf/9+8-161803398";
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
                + provider("llama", "ollama", upstream.baseUrl().replace("/v1", ""), KEY, null, "{model_id: l, model_name: L}")
                + provider("slashy", "openai", upstream.baseUrl(), SLASH_KEY, null, "{model_id: s, model_name: S}"),
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
            assertFalse(line.contains(SLASH_KEY) || line.contains(escaped(SLASH_KEY)), "the log holds the provider key: " + line);
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
        assertEquals("req-" + KeyMask.MASK, response.headers().firstValue("x-provider-request-id").orElseThrow(),
                "relayed headers are kept, masked");
        assertUpstreamGotTheKey();
    }

    @Test
    void aLongRunOfBackslashesIsMaskedInLinearTime() {
        // a model can be asked to echo thousands of backslashes: with unbounded runs in the escape pattern every
        // start position re-scanned the run and a worker spun for hours; the bound only guards against that hang
        String key = "sk-a/b+c-0123456789";
        String text = "\\".repeat(200_000) + "x " + key.replace("/", "\\/");
        String masked = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> KeyMask.mask(text, key));
        assertEquals("\\".repeat(200_000) + "x " + KeyMask.MASK, masked);
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
    /** The key as a JSON encoder that escapes {@code /} and non-letters writes it, hex digits in either case. */
    static String escaped(String key) {
        return key.replace("/", "\\/").replace("+", "\\u002B").replace("A", "\\u0041").replace("d", "\\u0064");
    }

    /** The key with {@code /} and {@code +} as u-escapes in lower-case hex. */
    static String uEscaped(String key) {
        return key.replace("/", "\\u002f").replace("+", "\\u002b");
    }

    /** Neither the text nor any string the client decodes from it (JSON held in JSON strings included) holds the key. */
    static void assertNoKeyInAnyForm(String text, String key) throws Exception {
        assertFalse(text.contains(key), "the text holds the key: " + text);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (java.io.IOException notJson) {
            return;
        }
        assertNoKeyInAnyForm(node, key);
    }

    static void assertNoKeyInAnyForm(JsonNode node, String key) throws Exception {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            assertNoKeyInAnyForm(node.asText(), key);
        }
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            assertFalse(field.getKey().contains(key), "a field name holds the key: " + field.getKey());
            assertNoKeyInAnyForm(field.getValue(), key);
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                assertNoKeyInAnyForm(element, key);
            }
        }
    }

    @Test
    void anErrorAnswerEchoingTheKeyJsonEscapedIsMasked() throws Exception {
        String body = "{\"error\":{\"message\":\"bad key " + escaped(SLASH_KEY) + "\",\"type\":\""
                + uEscaped(SLASH_KEY) + "\",\"code\":\"" + escaped(SLASH_KEY)
                + "\",\"param\":\"p\"}}";
        upstream.reply(new FakeUpstream.Json(503, body, Map.of("x-request-id", "req-" + escaped(SLASH_KEY))));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT.replace("\"m\"", "\"s\""));
        assertEquals(503, response.statusCode());
        assertNoKeyInAnyForm(response.body(), SLASH_KEY);
        response.headers().map().forEach((name, values) -> values.forEach(value -> assertFalse(
                value.contains(SLASH_KEY) || value.contains(escaped(SLASH_KEY)), name + ": " + value)));
        assertEquals("bad key " + KeyMask.MASK, Json.MAPPER.readTree(response.body()).get("error").get("message").asText());
        assertEquals("Bearer " + SLASH_KEY, upstream.take().header("Authorization"));
    }

    @Test
    void aCompletionEchoingTheKeyJsonEscapedIsMaskedAndOneWithoutTheKeyIsRelayedByteForByte() throws Exception {
        String body = completion("your key is " + escaped(SLASH_KEY), "{\"key\":\"" + escaped(SLASH_KEY) + "\"}");
        upstream.reply(new FakeUpstream.Json(200, body, Map.of()));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT.replace("\"m\"", "\"s\""));
        assertEquals(200, response.statusCode(), response.body());
        assertNoKeyInAnyForm(response.body(), SLASH_KEY);
        JsonNode message = Json.MAPPER.readTree(response.body()).get("choices").get(0).get("message");
        assertEquals("your key is " + KeyMask.MASK, message.get("content").asText());
        assertEquals("{\"key\":\"" + KeyMask.MASK + "\"}", message.at("/tool_calls/0/function/arguments").asText());
        upstream.take();

        // escapes alone are no reason to touch a body: without the key it reaches the client as the provider wrote it
        String clean = completion("a\\/b \\u002B c", "{\"path\":\"a\\/b\\u002b\"}");
        upstream.reply(new FakeUpstream.Json(200, clean, Map.of()));
        HttpResponse<String> untouched = gateway.postJson("/v1/chat/completions", CHAT.replace("\"m\"", "\"s\""));
        assertEquals(200, untouched.statusCode(), untouched.body());
        assertEquals(clean, untouched.body());
        upstream.take();
    }

    /** A completion whose tool call {@code arguments} (JSON text) is written as a JSON string, as OpenAI does. */
    static String completion(String contentJson, String argumentsText) throws Exception {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"s\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + contentJson + "\",\"tool_calls\":[{"
                + "\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
                + Json.MAPPER.writeValueAsString(argumentsText) + "}}]},\"finish_reason\":\"tool_calls\"}]}";
    }

    @Test
    void aStreamEchoingTheKeyJsonEscapedInChunksAndErrorEventsIsMasked() throws Exception {
        String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"s\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"key " + escaped(SLASH_KEY) + "\"},\"finish_reason\":null}]}";
        String error = "{\"error\":{\"message\":\"echo " + escaped(SLASH_KEY) + "\",\"code\":\"" + uEscaped(SLASH_KEY) + "\"}}";
        upstream.reply(new FakeUpstream.Raw(200, "text/event-stream", List.of("data: " + chunk + "\n\n", "data: " + error + "\n\n",
                "data: [DONE]\n\n"), 1));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(STREAM.replace("\"m\"", "\"s\""));
        assertEquals(200, response.status());
        List<String> data = response.data();
        for (String event : data) {
            assertNoKeyInAnyForm(event, SLASH_KEY);
        }
        assertTrue(data.stream().anyMatch(d -> d.contains("\"key " + KeyMask.MASK + "\"")), "the chunk was relayed, masked: " + data);
        assertTrue(data.stream().anyMatch(d -> d.contains("\"error\"") && d.contains(KeyMask.MASK)), "the error event was relayed: " + data);
        assertEquals("[DONE]", data.get(data.size() - 1));
        assertEquals("Bearer " + SLASH_KEY, upstream.take().header("Authorization"));
    }
}
