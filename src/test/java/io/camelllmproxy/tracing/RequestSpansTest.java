package io.camelllmproxy.tracing;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway traced by camel-opentelemetry2 into an in-memory exporter, over real HTTP: one span per request with the
 * GenAI attributes, one child per provider call (two when a group fails over), nothing for the internal hops.
 */
class RequestSpansTest {

    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"%s\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":%d,\"completion_tokens\":%d,\"total_tokens\":%d}}";

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static SdkTracerProvider tracerProvider;
    static FakeUpstream first;
    static FakeUpstream second;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        tracerProvider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build();
        first = new FakeUpstream();
        second = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n"
                        + provider("one", "openai", first.baseUrl(), "sk-one", null, "{model_id: m1, model_name: plain-model}")
                        + provider("two", "openai", second.baseUrl(), "sk-two", null, "{model_id: m2, model_name: backup-model}")
                        + "model_groups:\n"
                        + "  - name: pair\n    strategy: fallback\n    members:\n"
                        + "      - {provider: one, model_id: m1}\n"
                        + "      - {provider: two, model_id: m2}\n",
                Map.of("camel.opentelemetry2.enabled", "true"),
                Map.of("test-otel-tracer", tracerProvider.get("camel"),
                        "test-otel-propagators", ContextPropagators.create(W3CTraceContextPropagator.getInstance())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        first.close();
        second.close();
        tracerProvider.close();
    }

    @BeforeEach
    void clear() {
        first.reply(new FakeUpstream.Json(200, "{}", Map.of()));
        second.reply(new FakeUpstream.Json(200, "{}", Map.of()));
        SPANS.reset();
    }

    @Test
    void plainRequestIsOneSpanWithItsProviderCallAsItsChild() throws Exception {
        first.replyJson(200, ANSWER.formatted("m1-2025", 7, 3, 10));

        HttpResponse<String> response = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(200, response.statusCode(), response.body());
        Trace trace = awaitTrace(1);
        assertEquals("chat", trace.root.get("gen_ai.operation.name"));
        assertEquals("openai", trace.root.get("gen_ai.provider.name"));
        assertEquals("m1", trace.root.get("gen_ai.request.model"));
        assertEquals("m1-2025", trace.root.get("gen_ai.response.model"));
        assertEquals("7", trace.root.get("gen_ai.usage.input_tokens"));
        assertEquals("3", trace.root.get("gen_ai.usage.output_tokens"));
        assertEquals("one", trace.root.get("llm.provider"));
        assertNull(trace.root.get("error.type"));
        Attempt call = trace.attempts.get(0);
        assertEquals("chat m1", call.span.getName());
        assertEquals("openai", call.get("gen_ai.provider.name"));
        assertEquals("m1", call.get("gen_ai.request.model"));
        assertEquals("200", call.get("http.response.status_code"));
        assertNull(call.get("error.type"));
        // the provider got the trace context, so its own spans join the trace
        String traceparent = first.take().header("traceparent");
        assertTrue(traceparent != null && traceparent.contains(trace.root.span.getTraceId()), String.valueOf(traceparent));
    }

    @Test
    void streamedRequestCarriesTheUsageOfItsUsageChunk() throws Exception {
        first.replySse(List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1-2025\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1-2025\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1-2025\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":5,\"total_tokens\":16}}",
                "[DONE]"), 0);

        GatewayHarness.StreamedResponse response = gateway.postStreaming("{\"model\":\"m1\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(200, response.status());
        Trace trace = awaitTrace(1);
        assertEquals("m1", trace.root.get("gen_ai.request.model"));
        assertEquals("m1-2025", trace.root.get("gen_ai.response.model"));
        assertEquals("11", trace.root.get("gen_ai.usage.input_tokens"));
        assertEquals("5", trace.root.get("gen_ai.usage.output_tokens"));
        assertEquals("chat m1", trace.attempts.get(0).span.getName());
        assertEquals("200", trace.attempts.get(0).get("http.response.status_code"));
    }

    @Test
    void groupThatFailsOverHasOneChildPerAttempt() throws Exception {
        first.replyJson(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
        second.replyJson(200, ANSWER.formatted("m2", 2, 1, 3));

        HttpResponse<String> response = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"pair\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(200, response.statusCode(), response.body());
        Trace trace = awaitTrace(2);
        assertEquals("pair", trace.root.get("gen_ai.request.model"));
        assertEquals("pair", trace.root.get("llm.model_group"));
        assertEquals("2", trace.root.get("llm.attempts"));
        assertEquals("two", trace.root.get("llm.provider"));
        assertEquals("2", trace.root.get("gen_ai.usage.input_tokens"));
        Attempt failed = trace.attempts.get(0);
        Attempt answered = trace.attempts.get(1);
        assertEquals("chat m1", failed.span.getName());
        assertEquals("500", failed.get("error.type"));
        assertEquals(StatusCode.ERROR, failed.span.getStatus().getStatusCode());
        assertEquals("chat m2", answered.span.getName());
        assertNull(answered.get("error.type"));
        assertEquals("m2", answered.get("gen_ai.request.model"));
    }

    @Test
    void requestThatFailsBeforeAnyCallIsTaggedWithItsErrorCode() throws Exception {
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(404, response.statusCode(), response.body());
        Trace trace = awaitTrace(0);
        assertEquals("model_not_found", trace.root.get("error.type"));
        assertEquals("404", trace.root.get("http.response.status_code"));
        assertEquals("no-such-model", trace.root.get("gen_ai.request.model"));
        assertNull(trace.root.get("gen_ai.provider.name"));
    }

    @Test
    void healthProbesAndBackgroundWorkMakeNoSpans() throws Exception {
        assertEquals(200, gateway.get("/health").statusCode());
        first.replyJson(200, ANSWER.formatted("m1", 1, 1, 2));
        // a traced request afterwards: once its spans are out, any span the probe made would be out too
        assertEquals(200, gateway.postJson("/v1/chat/completions",
                "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode());
        awaitTrace(1);
        // the registry refresh (a timer and SQL every 200 ms) ran meanwhile and left nothing either
        assertEquals(2, SPANS.getFinishedSpanItems().size(), names(SPANS.getFinishedSpanItems()));
    }

    /** The one request traced since the test began, once its root span and {@code calls} provider calls are out. */
    private static Trace awaitTrace(int calls) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> roots().size() == 1
                && children(roots().get(0)).size() == calls);
        List<SpanData> roots = roots();
        assertEquals(1, roots.size(), names(SPANS.getFinishedSpanItems()));
        SpanData root = roots.get(0);
        List<Attempt> attempts = children(root).stream()
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).map(Attempt::new).toList();
        // every span of the trace is the request or one of its calls: the direct: hops made none
        long inTrace = SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(root.getTraceId())).count();
        assertEquals(1 + calls, inTrace, names(SPANS.getFinishedSpanItems()));
        return new Trace(new Attempt(root), attempts);
    }

    private static List<SpanData> roots() {
        return SPANS.getFinishedSpanItems().stream().filter(s -> !s.getParentSpanContext().isValid()).toList();
    }

    private static List<SpanData> children(SpanData parent) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
    }

    private static String names(List<SpanData> spans) {
        return spans.stream().map(s -> s.getName() + " " + s.getAttributes()).toList().toString();
    }

    record Trace(Attempt root, List<Attempt> attempts) {
    }

    record Attempt(SpanData span) {
        String get(String key) {
            return span.getAttributes().get(AttributeKey.stringKey(key));
        }
    }
}
