package io.camelllmproxy.failover;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plain model whose provider's config asks for retries: a short Retry-After is waited for, a long one is not. */
class ModelRetryTest {

    static FakeUpstream upstream;
    static FakeUpstream once;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        once = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n"
                + provider("retrying", "openai", upstream.baseUrl(), "sk-1",
                "    config: {retry: {attempts: 2, max_wait_ms: 3000}}\n", "{model_id: m, model_name: M}")
                + provider("plain", "openai", once.baseUrl(), "sk-2", null, "{model_id: p, model_name: P}"),
                Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
        once.close();
    }

    @BeforeEach
    void reset() {
        upstream.replyJson(200, ModelGroupFailoverTest.ANSWER.formatted("retrying"));
        upstream.clearReceived();
        once.clearReceived();
    }

    static HttpResponse<String> chat(String model) throws Exception {
        return gateway.postJson("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    void a429WithAShortRetryAfterIsRetriedAfterIt() throws Exception {
        upstream.replyOnce(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "1")));
        long started = System.nanoTime();
        HttpResponse<String> response = chat("m");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("from retrying", Json.MAPPER.readTree(response.body()).at("/choices/0/message/content").asText());
        assertEquals("2", response.headers().firstValue("x-llm-attempts").orElse(null));
        upstream.take();
        upstream.take();
        // a lower bound only: the retry may come later on a busy machine, never before the provider's second
        assertTrue(tookMs >= 1000, "retried after " + tookMs + " ms, before the Retry-After of 1 s");
    }

    @Test
    void aFailureWithoutRetryAfterIsRetriedAfterABackoff() throws Exception {
        upstream.replyOnce(new FakeUpstream.Json(503, "{\"error\":{\"message\":\"overloaded\"}}", Map.of()));
        long started = System.nanoTime();
        HttpResponse<String> response = chat("m");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("2", response.headers().firstValue("x-llm-attempts").orElse(null));
        upstream.take();
        upstream.take();
        // a lower bound only, as above: the provider is not asked again at once
        assertTrue(tookMs >= Attempts.BACKOFF_MS, "retried after " + tookMs + " ms");
    }

    @Test
    void aRetryAfterBeyondMaxWaitIsTheClientsAnswer() throws Exception {
        upstream.reply(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"quota\"}}", Map.of("Retry-After", "20")));
        HttpResponse<String> response = chat("m");
        assertEquals(429, response.statusCode());
        assertEquals("20", response.headers().firstValue("retry-after").orElse(null));
        assertEquals("1", response.headers().firstValue("x-llm-attempts").orElse(null));
        upstream.take();
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void aModelWithoutRetryConfigIsCalledOnceAndCarriesNoAttemptHeaders() throws Exception {
        once.reply(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"quota\"}}", Map.of("Retry-After", "1")));
        HttpResponse<String> response = chat("p");
        assertEquals(429, response.statusCode());
        assertTrue(response.headers().firstValue("x-llm-attempts").isEmpty());
        once.take();
        assertTrue(once.receivedNothing());
    }
}
