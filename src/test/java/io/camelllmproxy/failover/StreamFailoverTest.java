package io.camelllmproxy.failover;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams to a model group: a member failing before its first event (an error status, a broken or a silent
 * stream) is left and the client gets the next member's stream; after the first event there is no failover.
 */
class StreamFailoverTest {

    static final String STREAM = "{\"model\":\"streamy\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream flaky;
    static FakeUpstream good;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        flaky = new FakeUpstream();
        good = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n"
                        + provider("flaky", "openai", flaky.baseUrl(), "sk-1", null, "{model_id: m, model_name: M}")
                        + provider("good", "openai", good.baseUrl(), "sk-2", null, "{model_id: m, model_name: M}")
                        + "model_groups:\n"
                        + "  - name: streamy\n"
                        + "    members:\n"
                        + "      - {provider: flaky, model_id: m}\n"
                        + "      - {provider: good, model_id: m}\n"
                        + "    cooldown: {failures: 1000, seconds: 30}\n"
                        + "    first_token_timeout_ms: 500\n"
                        + "  - name: beyond-heartbeat\n"
                        + "    members:\n"
                        + "      - {provider: flaky, model_id: m}\n"
                        + "      - {provider: good, model_id: m}\n"
                        + "    cooldown: {failures: 1000, seconds: 30}\n"
                        + "    first_token_timeout_ms: 6000\n",
                // the heartbeat well apart from both timeouts, so a busy machine cannot swap their order
                Map.of("llm.stream.heartbeat-ms", "3000"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        flaky.close();
        good.close();
    }

    static List<String> chunks(String from, int n) {
        List<String> events = new ArrayList<>(IntStream.range(0, n).mapToObj(i -> "{\"id\":\"c\",\"object\":"
                + "\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + from + i + "\"},\"finish_reason\":null}]}").toList());
        return events;
    }

    @BeforeEach
    void reset() {
        List<String> events = new ArrayList<>(chunks("good", 3));
        events.add("[DONE]");
        good.replySse(events, 0);
        good.clearReceived();
        flaky.clearReceived();
    }

    private static void assertAnsweredByGood(GatewayHarness.StreamedResponse response) throws Exception {
        assertEquals(200, response.status());
        assertEquals("2", response.headers().firstValue("x-llm-attempts").orElse(null));
        assertEquals("good/m", response.headers().firstValue("x-llm-deployment").orElse(null));
        List<String> data = response.data();
        assertEquals(4, data.size(), "the second member's three chunks and [DONE]: " + data);
        assertEquals("good0", Json.MAPPER.readTree(data.get(0)).at("/choices/0/delta/content").asText());
        assertEquals("[DONE]", data.get(3));
        flaky.take();
        assertEquals("hi", Json.MAPPER.readTree(good.take().body()).at("/messages/0/content").asText(),
                "the second member gets the whole request");
    }

    @Test
    void anErrorStatusBeforeTheStreamFailsOver() throws Exception {
        flaky.replyJson(503, "{\"error\":{\"message\":\"overloaded\"}}");
        assertAnsweredByGood(gateway.postStreaming(STREAM));
    }

    @Test
    void aStreamBrokenBeforeItsFirstEventFailsOver() throws Exception {
        flaky.reply(new FakeUpstream.Sse(chunks("flaky", 3), 0, 0));
        assertAnsweredByGood(gateway.postStreaming(STREAM));
    }

    @Test
    void aStreamSilentPastTheFirstTokenTimeoutFailsOver() throws Exception {
        flaky.reply(new FakeUpstream.Raw(200, "text/event-stream", List.of("", "data: {\"late\":true}\n\n"), 60_000));
        assertAnsweredByGood(gateway.postStreaming(STREAM));
    }

    @Test
    void theFirstHeartbeatSendsTheHeadAndEndsFailover() throws Exception {
        flaky.reply(new FakeUpstream.Raw(200, "text/event-stream", List.of("", "data: {\"late\":true}\n\n"), 60_000));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(STREAM.replace("streamy", "beyond-heartbeat"));
        assertEquals(200, response.status());
        assertEquals("1", response.headers().firstValue("x-llm-attempts").orElse(null));
        assertEquals("flaky/m", response.headers().firstValue("x-llm-deployment").orElse(null));
        assertTrue(response.lines().stream().anyMatch(l -> l.line().equals(": keep-alive")), "the heartbeat sent the head");
        List<String> data = response.data();
        assertEquals("upstream_timeout", Json.MAPPER.readTree(data.get(0)).at("/error/code").asText(), data.toString());
        assertEquals("[DONE]", data.get(1));
        flaky.take();
        assertTrue(good.receivedNothing(), "once the head is out there is no failover");
    }

    @Test
    void aStreamBrokenAfterItsFirstEventEndsWithAnErrorEvent() throws Exception {
        flaky.reply(new FakeUpstream.Sse(chunks("flaky", 3), 0, 2));
        GatewayHarness.StreamedResponse response = gateway.postStreaming(STREAM);
        assertEquals(200, response.status());
        assertEquals("1", response.headers().firstValue("x-llm-attempts").orElse(null));
        assertEquals("flaky/m", response.headers().firstValue("x-llm-deployment").orElse(null));
        List<String> data = response.data();
        assertEquals("flaky0", Json.MAPPER.readTree(data.get(0)).at("/choices/0/delta/content").asText());
        assertEquals("flaky1", Json.MAPPER.readTree(data.get(1)).at("/choices/0/delta/content").asText());
        assertTrue(Json.MAPPER.readTree(data.get(2)).has("error"), "one error event after the relayed ones: " + data);
        assertEquals("[DONE]", data.get(3));
        assertEquals(4, data.size());
        flaky.take();
        assertTrue(good.receivedNothing(), "no failover once the client has the first member's events");
    }
}
