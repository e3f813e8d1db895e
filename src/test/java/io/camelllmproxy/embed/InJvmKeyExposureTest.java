package io.camelllmproxy.embed;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.LogCapture;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-JVM calls (plain, streamed, failing with the key echoed by the provider) leave the provider key in no log
 * line, with every logger at TRACE and Camel's tracer on in the host, and in nothing the caller gets back.
 */
class InJvmKeyExposureTest {

    private static final String KEY = "sk-in-jvm-exposure-8282828282";
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void theProviderKeyReachesNoLogLineAndNothingTheCallerGets() throws Exception {
        LogCapture capture = LogCapture.everyLogger(Level.TRACE);
        try (FakeUpstream upstream = new FakeUpstream();
             CamelHost host = CamelHost.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), KEY, null,
                     "{model_id: m, model_name: M}"), Map.of("camel.main.tracing", "true"), new RouteBuilder() {
                 @Override
                 public void configure() {
                     from("direct:exposure-stream").routeId("host-exposure-stream")
                             .to("direct:llm-chat-completions")
                             .split(body()).streaming()
                                 .log("chunk ${body}")
                             .end();
                 }
             })) {
            ProducerTemplate template = host.camelContext().createProducerTemplate();
            upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}]}");
            Exchange plain = template.request("direct:llm-chat-completions", e -> e.getMessage().setBody(CHAT));
            assertNull(plain.getException());
            assertEquals("Bearer " + KEY, upstream.take().header("Authorization"), "the provider got its key");
            assertClean(plain);

            upstream.replySse(List.of("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"echo " + KEY + "\"}}]}", "[DONE]"), 0);
            Exchange streamed = template.request("direct:exposure-stream",
                    e -> e.getMessage().setBody(CHAT.replace("}]}", "}],\"stream\":true}")));
            assertNull(streamed.getException());
            upstream.take();
            assertClean(streamed);

            upstream.replyJson(500, "{\"error\":{\"message\":\"bad key " + KEY + "\",\"type\":\"server_error\"}}");
            Exchange failed = template.request("direct:llm-chat-completions", e -> e.getMessage().setBody(CHAT));
            GatewayException exception = assertInstanceOf(GatewayException.class, failed.getException());
            assertFalse(exception.error().toString().contains(KEY), exception.error().toString());
            upstream.take();
            assertClean(failed);
        } finally {
            capture.close();
        }
        assertTrue(capture.lines().stream().anyMatch(l -> l.logger().equals("org.apache.camel.Tracing")),
                "the capture saw Camel's tracer");
        assertTrue(capture.lines().stream().anyMatch(l -> l.text().contains("chunk ")), "the capture saw the host's chunk log");
        for (LogCapture.Line line : capture.lines()) {
            assertFalse(line.text().contains(KEY), "a log line holds the provider key: " + line.logger() + " " + line.text());
        }
    }

    private static void assertClean(Exchange exchange) {
        String everything = exchange.getMessage().getHeaders() + " " + exchange.getVariables() + " "
                + exchange.getAllProperties() + " " + exchange.getMessage().getBody();
        assertFalse(everything.contains(KEY), everything);
    }
}
