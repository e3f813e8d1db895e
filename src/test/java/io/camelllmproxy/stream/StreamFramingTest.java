package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider's stream that breaks its framing never loses content silently: the client gets the content
 * whole, or an error (an in-band error event and {@code [DONE]} once the stream is under way, an OpenAI
 * error before that).
 */
class StreamFramingTest {

    static final String OPENAI = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    static final String OLLAMA = OPENAI.replace("\"m\"", "\"l\"");
    static final int MAX_EVENT = 64 * 1024;
    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n"
                + provider("o", "openai", upstream.baseUrl(), null, null, "{model_id: m, model_name: M}")
                + provider("l", "ollama", upstream.baseUrl().replace("/v1", ""), null, null, "{model_id: l, model_name: L}"),
                Map.of("llm.stream.max-event-bytes", String.valueOf(MAX_EVENT)));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static String chunk(String content) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}";
    }

    static String ollamaLine(String content, boolean done) {
        return "{\"model\":\"l\",\"created_at\":\"2024-12-06T00:46:58.1Z\",\"message\":{\"role\":\"assistant\",\"content\":\""
                + content + "\"},\"done\":" + done + "}";
    }

    /** The stream ended with one in-band protocol error and [DONE], after whatever came whole before it. */
    static void assertEndsWithProtocolError(GatewayHarness.StreamedResponse response) throws Exception {
        assertEquals(200, response.status());
        List<String> data = response.data();
        assertEquals("[DONE]", data.get(data.size() - 1), data.toString());
        JsonNode error = Json.MAPPER.readTree(data.get(data.size() - 2)).get("error");
        assertEquals("upstream_protocol_error", error.get("code").asText(), data.toString());
        assertFalse(error.get("message").asText().contains("127.0.0.1"), error.toString());
    }

    /** The client's events as an SSE reader sees them: data lines joined with \n up to each blank line. */
    static List<String> events(GatewayHarness.StreamedResponse response) {
        List<String> events = new java.util.ArrayList<>();
        StringBuilder event = null;
        for (GatewayHarness.TimedLine timed : response.lines()) {
            String line = timed.line();
            if (line.isEmpty()) {
                if (event != null) {
                    events.add(event.toString());
                }
                event = null;
            } else if (line.startsWith("data: ")) {
                event = event == null ? new StringBuilder(line.substring(6)) : event.append('\n').append(line.substring(6));
            }
        }
        return events;
    }

    static String content(List<String> data) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String d : data) {
            if (!d.equals("[DONE]")) {
                JsonNode delta = Json.MAPPER.readTree(d).path("choices").path(0).path("delta").path("content");
                text.append(delta.isTextual() ? delta.asText() : "");
            }
        }
        return text.toString();
    }

    @Test
    void anEventBeyondTheBoundEndsTheStreamWithAnErrorEvent() throws Exception {
        String huge = chunk("z".repeat(4 * MAX_EVENT));
        upstream.reply(new FakeUpstream.Raw(200, "text/event-stream", List.of("data: " + chunk("before") + "\n\n",
                "data: " + huge + "\n\n", "data: " + chunk("after") + "\n\n"), 1));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(OPENAI);
        assertEndsWithProtocolError(response);
        assertEquals("before", content(response.data().subList(0, response.data().size() - 2)));
        upstream.take();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "Application/JSON", "application/json; charset=utf-8", "text/html"})
    void aStreamAnsweredWithAnotherContentTypeIsAProtocolError(String contentType) throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, contentType, List.of("data: " + chunk("hidden") + "\n\n"), 1));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", OPENAI);
        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals("upstream_protocol_error", error.get("code").asText());
        assertTrue(error.get("message").asText().startsWith("provider 'o' answered a streaming request with"), error.toString());
        upstream.take();
    }

    @Test
    void contentTypesCompareWithoutCaseAndMultiLineDataAndEveryLineEndArrive() throws Exception {
        // one chunk split over two data lines (joined with \n, which JSON reads as whitespace), CR and CRLF line
        // ends, a data field without its space, a comment and event/id fields
        String split = chunk("multi").replace("\"choices\"", "\n\"choices\"");
        String twoLines = "data: " + split.replace("\n", "\r\ndata: ") + "\r\n\r\n";
        upstream.reply(new FakeUpstream.Raw(200, "Text/Event-Stream; Charset=UTF-8", List.of(
                ": comment\r", "event: message\rid: 1\rdata:" + chunk("A") + "\r\r",
                twoLines, "data: " + chunk("-z") + "\n\n", "data: [DONE]\n\n"), 1));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(OPENAI);
        assertEquals(200, response.status());
        List<String> events = events(response);
        assertEquals("Amulti-z", content(events), events.toString());
        assertTrue(events.contains(split), "the multi-line event reached the client as one event, its lines intact: " + events);
        assertEquals("[DONE]", events.get(events.size() - 1));
        upstream.take();
    }

    @Test
    void aFragmentLeftAtTheEndIsAnErrorNotAnEvent() throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, "text/event-stream", List.of("data: " + chunk("whole") + "\n\n",
                "data: " + chunk("frag").substring(0, 40)), 1));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(OPENAI);
        assertEndsWithProtocolError(response);
        assertEquals("whole", content(response.data().subList(0, response.data().size() - 2)));
        upstream.take();
    }

    @Test
    void anOllamaStreamCutInItsLastLineIsAnError() throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, "application/x-ndjson", List.of(ollamaLine("one", false) + "\n",
                ollamaLine("two", true).substring(0, 30)), 1));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(OLLAMA);
        assertEndsWithProtocolError(response);
        upstream.take();
    }

    @Test
    void anOllamaLineBeyondTheBoundIsAnError() throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, "application/x-ndjson", List.of(ollamaLine("one", false) + "\n",
                ollamaLine("q".repeat(4 * MAX_EVENT), false) + "\n", ollamaLine("", true) + "\n"), 1));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(OLLAMA);
        assertEndsWithProtocolError(response);
        upstream.take();
    }

    @Test
    void aWholeOllamaStreamStillArrives() throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, "Application/X-NDJSON", List.of(ollamaLine("one", false) + "\n",
                ollamaLine(" two", false) + "\r\n", ollamaLine("", true) + "\n"), 1));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(OLLAMA);
        assertEquals(200, response.status());
        assertEquals("one two", content(response.data()), response.data().toString());
        upstream.take();
    }

    @Test
    void responseHeadsBeyondTheLimitsAreRefused() throws Exception {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            many.put("x-filler-" + i, "v");
        }
        for (Map<String, String> headers : List.of(many, Map.of("x-huge", "h".repeat(200_000)))) {
            upstream.reply(new FakeUpstream.Json(200, "{}", headers));
            for (String request : List.of(OPENAI, OPENAI.replace("\"stream\":true,", ""))) {
                HttpResponse<String> response = gateway.postJson("/v1/chat/completions", request);
                assertEquals(502, response.statusCode(), response.body());
                assertEquals("upstream_protocol_error", Json.MAPPER.readTree(response.body()).get("error").get("code").asText());
                upstream.take();
            }
        }
    }
}
