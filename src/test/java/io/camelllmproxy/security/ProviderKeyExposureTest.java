package io.camelllmproxy.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider key reaches the provider and nothing else: no log line with every logger of the JVM at TRACE
 * (HttpClient's header and wire loggers, camel-http's, Camel's), and no header, variable or body of the
 * gateway's exchanges, looked at after every step that sends somewhere (the provider call above all) and at
 * the end, as a tracer or a host's tap would see them.
 */
class ProviderKeyExposureTest {

    private static final String KEY = "sk-provider-exposure-5151515151";
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** Variables serialised as a JSON converter would: records by their components. */
    private static final ObjectMapper SERIALISER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    @Test
    void theKeyGoesToTheProviderOnlyWhateverTheLogLevels() throws Exception {
        ExchangeScan scan = new ExchangeScan();
        LogCapture capture = LogCapture.everyLogger(Level.TRACE);
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), KEY,
                     // Camel's tracer on too: it logs every step's headers and body, as a host debugging its routes would
                     null, "{model_id: m, model_name: M}"), Map.of("camel.main.tracing", "true"), Map.of("keyScan", scan))) {
            assertTrue(LogManager.getLogger("org.apache.hc.client5.http.headers").isTraceEnabled()
                    && LogManager.getLogger("org.apache.hc.client5.http.wire").isTraceEnabled()
                    && LogManager.getLogger("org.apache.camel.component.http").isTraceEnabled(),
                    "HttpClient's header and wire loggers and camel-http's are at TRACE");

            upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}]}");
            assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT).statusCode());
            assertEquals("Bearer " + KEY, upstream.take().header("Authorization"), "the provider got its key");

            upstream.replySse(List.of("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"hel\"}}]}", "[DONE]"), 0);
            GatewayHarness.StreamedResponse stream = gateway.postStreaming(CHAT.replace("}]}", "}],\"stream\":true}"));
            assertEquals(200, stream.status());
            assertTrue(stream.data().contains("[DONE]"), String.valueOf(stream.data()));
            assertEquals("Bearer " + KEY, upstream.take().header("Authorization"));

            upstream.replyJson(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\"}}");
            assertEquals(429, gateway.postJson("/v1/chat/completions", CHAT).statusCode());
            upstream.take();

            String id = Json.MAPPER.readTree(gateway.get("/llm/providers").body()).findValue("id").asText();
            upstream.replyJson(200, "{\"object\":\"list\",\"data\":[]}");
            JsonNode health = Json.MAPPER.readTree(gateway.postJson("/llm/providers/" + id + "/health", "{}").body());
            assertEquals("healthy", health.get("status").asText(), health.toString());
            FakeUpstream.Received check = upstream.take();
            assertEquals("/models", check.path().substring(check.path().lastIndexOf('/')));
            assertEquals("Bearer " + KEY, check.header("Authorization"), "the health check sent the key");
        } finally {
            capture.close();
        }
        assertTrue(capture.lines().stream().anyMatch(l -> l.logger().startsWith("org.apache.hc.client5.http")),
                "the capture saw HttpClient's DEBUG logging");
        assertTrue(capture.lines().stream().anyMatch(l -> l.logger().startsWith("org.apache.camel.component.http")),
                "the capture saw camel-http's DEBUG logging");
        assertTrue(capture.lines().stream().anyMatch(l -> l.logger().equals("org.apache.camel.Tracing")),
                "the capture saw Camel's tracer");
        for (LogCapture.Line line : capture.lines()) {
            assertFalse(line.text().contains(KEY), "a log line holds the provider key: " + line.logger() + " " + line.text());
        }
        assertTrue(scan.sentToProvider > 0, "the scan looked at exchanges right after the provider call");
        assertTrue(scan.completed > 0, "the scan looked at completed exchanges");
        assertEquals(List.of(), scan.leaks, "the provider key on an exchange");
    }

    /** Looks at every exchange after each send and when it completes, as a tracer or a host's tap would. */
    static final class ExchangeScan extends EventNotifierSupport {
        final List<String> leaks = new CopyOnWriteArrayList<>();
        volatile int sentToProvider;
        volatile int completed;

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeSentEvent sent) {
                if (sent.getEndpoint().getEndpointUri().contains("upstream")
                        && !sent.getEndpoint().getEndpointUri().startsWith("direct")) {
                    sentToProvider++;
                }
                scan("after sending to " + sent.getEndpoint().getEndpointUri(), sent.getExchange());
            } else if (event instanceof CamelEvent.ExchangeCompletedEvent done) {
                completed++;
                scan("completed", done.getExchange());
            } else if (event instanceof CamelEvent.ExchangeFailedEvent failed) {
                scan("failed", failed.getExchange());
            }
        }

        private void scan(String when, Exchange exchange) {
            exchange.getMessage().getHeaders().forEach((name, value) -> check(when, "header " + name, value));
            exchange.getVariables().forEach((name, value) -> check(when, "variable " + name, value));
            exchange.getProperties().forEach((name, value) -> check(when, "property " + name, value));
            Object body = exchange.getMessage().getBody();
            if (body instanceof String || body instanceof byte[]) {
                check(when, "body", body);
            }
        }

        private void check(String when, String what, Object value) {
            if (value == null) {
                return;
            }
            String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
            if (text.contains(KEY)) {
                leaks.add(what + " " + when + ": " + text);
            }
            if (value.getClass().isRecord()) {
                try {
                    String json = SERIALISER.writeValueAsString(value);
                    if (json.contains(KEY)) {
                        leaks.add(what + " as JSON " + when + ": " + json);
                    }
                } catch (Exception notSerialisable) {
                    // nothing a converter could show either
                }
            }
        }
    }
}
