package io.camelllmproxy.tracing;

import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host that traces with camel-opentelemetry2 and its own tracer, set up the host's way (its settings, its exclusions,
 * none): the gateway's request joins the host's trace and only adds its attributes; nothing global is installed.
 */
class HostTracingTest {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final String NO_PARENT = SpanId.getInvalid();

    @Test
    void theGatewaysSpansJoinTheHostsTracerWithTheirAttributes() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
             FakeUpstream upstream = new FakeUpstream();
             CamelHost host = CamelHost.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), "sk-host", null,
                     "{model_id: m}"), Map.of("camel.opentelemetry2.enabled", "true"),
                     Map.of("host-tracer", tracing.get("host"),
                             "host-propagators", ContextPropagators.create(W3CTraceContextPropagator.getInstance())))) {
            upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");

            HttpResponse<String> chat = host.send("POST", CamelHost.CONTEXT_PATH + "/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", GatewayHarness.ADMIN_TOKEN);

            assertEquals(200, chat.statusCode(), chat.body());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> request(spans).isPresent()
                    && call(spans, request(spans).get()).isPresent());
            SpanData request = request(spans).get();
            assertEquals("m", request.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")));
            assertEquals("3", request.getAttributes().get(AttributeKey.stringKey("gen_ai.usage.input_tokens")));
            assertEquals("host", request.getInstrumentationScopeInfo().getName(), "the host's tracer made it");
            assertEquals("openai", call(spans, request).get().getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")));
        }
        assertFalse(GlobalOpenTelemetry.getTracer("probe").spanBuilder("probe").startSpan().getSpanContext().isValid(),
                "the JVM's global OpenTelemetry is still the no-op one");
    }

    /** The span the gateway tagged: the host excludes nothing, so it is the gateway's chat route's own span. */
    private static Optional<SpanData> request(InMemorySpanExporter spans) {
        return spans.getFinishedSpanItems().stream().filter(s -> "chat".equals(s.getAttributes().get(OPERATION))
                && !s.getName().startsWith("chat")).findFirst();
    }

    /** The provider call under the request, however many of the host's hop spans lie between. */
    private static Optional<SpanData> call(InMemorySpanExporter spans, SpanData request) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("chat m")
                && descends(spans, s, request)).findFirst();
    }

    private static boolean descends(InMemorySpanExporter spans, SpanData span, SpanData ancestor) {
        String parent = span.getParentSpanId();
        while (parent != null && !parent.equals(NO_PARENT)) {
            if (parent.equals(ancestor.getSpanId())) {
                return true;
            }
            String current = parent;
            parent = spans.getFinishedSpanItems().stream().filter(s -> s.getSpanId().equals(current))
                    .map(SpanData::getParentSpanId).findFirst().orElse(null);
        }
        return false;
    }

}
