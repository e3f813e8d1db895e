package io.camelllmproxy.tracing;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.opentelemetry.api.GlobalOpenTelemetry;
import org.apache.camel.telemetry.Tracer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone traces only when the standard OTEL_* settings name an exporter, and then sends spans over OTLP. */
class StandaloneTracingTest {

    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m1\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2,\"total_tokens\":6}}";

    @Test
    void tracesOnlyWhenAnExporterIsNamedAndTheSdkIsNotDisabled() {
        assertFalse(StandaloneTracing.requested(Map.<String, String>of()::get));
        assertFalse(StandaloneTracing.requested(Map.of("otel.traces.exporter", "none")::get));
        assertFalse(StandaloneTracing.requested(Map.of("otel.traces.exporter", " ")::get));
        assertFalse(StandaloneTracing.requested(Map.of("otel.traces.exporter", "otlp", "otel.sdk.disabled", "true")::get));
        assertTrue(StandaloneTracing.requested(Map.of("otel.traces.exporter", "otlp")::get));
        assertTrue(StandaloneTracing.requested(Map.of("otel.traces.exporter", "console", "otel.sdk.disabled", "false")::get));
    }

    @Test
    void withoutSettingsNoTracerRuns() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n"
                     + provider("one", "openai", upstream.baseUrl(), "sk-one", null, "{model_id: m1}"), Map.of())) {
            assertNull(gateway.camelContext().hasService(Tracer.class));
        }
    }

    @Test
    void otlpSettingsSendTheRequestSpansToTheCollector() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(); FakeUpstream collector = new FakeUpstream()) {
            upstream.replyJson(200, ANSWER);
            System.setProperty("otel.traces.exporter", "otlp");
            System.setProperty("otel.exporter.otlp.endpoint", collector.baseUrl().replace("/v1", ""));
            System.setProperty("otel.bsp.schedule.delay", "50");
            try (GatewayHarness gateway = GatewayHarness.start("providers:\n"
                    + provider("one", "openai", upstream.baseUrl(), "sk-one", null, "{model_id: m1}"), Map.of())) {
                assertNotNull(gateway.camelContext().hasService(Tracer.class));

                assertEquals(200, gateway.postJson("/v1/chat/completions",
                        "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode());

                // the harness's own readiness probe (GET /v1/models) is traced too: read exports until the chat's
                List<FakeUpstream.Received> exports = new ArrayList<>();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    exports.add(collector.take());
                    return exports.get(exports.size() - 1).body().contains("gen_ai.request.model");
                });
                FakeUpstream.Received export = exports.get(exports.size() - 1);
                assertEquals("/v1/traces", export.path());
                assertEquals("application/x-protobuf", export.header("Content-Type"));
                assertTrue(export.body().contains("camel-llm-proxy"), "the gateway's service name");
                // the provider gets the trace context, and no baggage: Camel's or the client's entries stay here
                FakeUpstream.Received call = upstream.take();
                String traceparent = call.header("traceparent");
                assertTrue(traceparent != null && traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"), traceparent);
                assertNull(call.header("baggage"));
            } finally {
                System.clearProperty("otel.traces.exporter");
                System.clearProperty("otel.exporter.otlp.endpoint");
                System.clearProperty("otel.bsp.schedule.delay");
            }
        }
        // the SDK was the standalone's own: nothing was installed for the whole JVM
        assertFalse(GlobalOpenTelemetry.getTracer("probe").spanBuilder("probe").startSpan().getSpanContext().isValid(),
                "the JVM's global OpenTelemetry is still the no-op one");
    }
}
