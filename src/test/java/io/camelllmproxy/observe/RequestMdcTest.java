package io.camelllmproxy.observe;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every log line about a request carries its id in the MDC ({@code request_id}), and its key's name once the key
 * is known, on every thread the request runs on: the gateway's worker, the client's event loop where a stream's
 * provider answers, the event loop that writes the answer and ends the exchange.
 */
class RequestMdcTest {

    /** How Camel names an exchange in its log lines. */
    private static final Pattern EXCHANGE_ID = Pattern.compile("[0-9A-F]{15}-[0-9A-F]{16}");
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @Test
    void everyLineAboutARequestCarriesItsId() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     "sk-mdc-provider", null, "{model_id: m, model_name: M}"), Map.of())) {
            List<LogCapture.Line> lines;
            try (LogCapture capture = LogCapture.everything(Level.TRACE)) {
                upstream.replySse(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}", "[DONE]"), 0);
                assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}"),
                        "x-request-id", "mdc-stream-1").statusCode());
                upstream.replyJson(200, "{\"choices\":[]}");
                assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT, "x-request-id", "mdc-plain-2").statusCode());
                upstream.replyJson(500, "{\"error\":{\"message\":\"down\"}}");
                assertEquals(500, gateway.postJson("/v1/chat/completions", CHAT, "x-request-id", "mdc-failed-3").statusCode());
                // the last request's end (its access line) may be logged just after its answer reached the client
                await().atMost(Duration.ofSeconds(30)).until(() -> capture.lines().stream().anyMatch(l ->
                        l.logger().equals(AccessLog.LOGGER) && l.message().contains("mdc-failed-3")));
                lines = capture.lines();
            }
            Set<String> ids = Set.of("mdc-stream-1", "mdc-plain-2", "mdc-failed-3");
            // the exchanges of each request, as Camel's own lines about them name them
            Map<String, String> requestOfExchange = new HashMap<>();
            for (LogCapture.Line line : lines) {
                String id = line.mdc().get(RequestMdc.REQUEST_ID);
                Matcher exchange = EXCHANGE_ID.matcher(line.message());
                if (id != null && ids.contains(id) && exchange.find()) {
                    requestOfExchange.put(exchange.group(), id);
                }
            }
            assertEquals(ids, Set.copyOf(requestOfExchange.values()), "Camel's lines about each request were seen");
            int checked = 0;
            for (LogCapture.Line line : lines) {
                Matcher exchange = EXCHANGE_ID.matcher(line.message());
                while (exchange.find()) {
                    String request = requestOfExchange.get(exchange.group());
                    if (request != null) {
                        checked++;
                        assertEquals(request, line.mdc().get(RequestMdc.REQUEST_ID), "a line about " + request
                                + " on " + line.thread() + " lacks its id: " + line);
                    }
                }
            }
            assertTrue(checked > 50, "Camel's TRACE lines about the requests were checked: " + checked);

            Set<String> streamThreads = lines.stream().filter(l -> "mdc-stream-1".equals(l.mdc().get(RequestMdc.REQUEST_ID)))
                    .map(LogCapture.Line::thread).map(t -> t.replaceAll("[-#]?\\s*\\d+", "")).collect(Collectors.toSet());
            assertTrue(streamThreads.stream().anyMatch(t -> t.contains("llm-http-worker"))
                            && streamThreads.stream().anyMatch(t -> t.contains("vert.x-eventloop")),
                    "the stream's lines carry its id on the worker and on the event loop: " + streamThreads);

            LogCapture.Line failure = lines.stream().filter(l -> l.logger().equals("io.camelllmproxy.http.ErrorResponder")
                    && l.level() == Level.WARN).findFirst().orElseThrow(() -> new AssertionError("the 500 was logged"));
            assertEquals("mdc-failed-3", failure.mdc().get(RequestMdc.REQUEST_ID), failure.toString());
            assertEquals("admin token", failure.mdc().get(RequestMdc.KEY_NAME), "the key's name, never the key");
            for (LogCapture.Line line : lines) {
                assertFalse(line.mdc().values().stream().anyMatch(v -> v.contains(GatewayHarness.ADMIN_TOKEN)), line.toString());
            }
        }
        assertTrue(org.slf4j.MDC.getCopyOfContextMap() == null || org.slf4j.MDC.getCopyOfContextMap().isEmpty(),
                "nothing left in the test thread's MDC");
    }
}
