package io.camelllmproxy.observe;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One INFO line per chat request on io.camelllmproxy.access, with its facts and nothing of its body or key. */
class AccessLogTest {

    private static final String PROMPT = "access-log-prompt-marker-31337";
    private static final String ANSWER_TEXT = "access-log-answer-marker-4711";
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";

    @Test
    void oneLinePerRequestWithItsFactsAndNoBody() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("prov", "openai", upstream.baseUrl(),
                     "sk-access-provider-1", null, "{model_id: m, model_name: M}"), Map.of())) {
            try (LogCapture access = LogCapture.ofLogger(AccessLog.LOGGER, Level.INFO)) {
                upstream.replyJson(200, "{\"model\":\"m-2024\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"" + ANSWER_TEXT + "\"}}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}");
                assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT, "x-request-id", "acc-1").statusCode());
                upstream.replySse(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + ANSWER_TEXT + "\"}}]}",
                        "{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}", "[DONE]"), 0);
                assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT.replace("}]}",
                        "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}"), "x-request-id", "acc-2").statusCode());
                assertEquals(404, gateway.postJson("/v1/chat/completions", CHAT.replace("\"m\"", "\"no such\\nmodel\""),
                        "x-request-id", "acc-3").statusCode());
                upstream.replyJson(503, "{\"error\":{\"message\":\"overloaded\"}}");
                assertEquals(503, gateway.postJson("/v1/chat/completions", CHAT, "x-request-id", "acc-4").statusCode());

                await().atMost(Duration.ofSeconds(30)).until(() -> access.lines().size() >= 4);
                List<LogCapture.Line> lines = access.lines();
                assertEquals(4, lines.size(), "one line per request: " + lines);
                String plain = only(lines, "acc-1");
                assertTrue(plain.contains("key=admin_token") && plain.contains("model=m ") && plain.contains("provider=prov")
                        && plain.contains("status=200") && plain.contains("error=-") && plain.contains("stream=false")
                        && plain.contains("input_tokens=11") && plain.contains("output_tokens=7")
                        && plain.matches(".*latency_ms=\\d+.*"), plain);
                String stream = only(lines, "acc-2");
                assertTrue(stream.contains("stream=true") && stream.contains("input_tokens=5") && stream.contains("output_tokens=3")
                        && stream.matches(".*ttft_ms=\\d+.*"), stream);
                String unknown = only(lines, "acc-3");
                assertTrue(unknown.contains("status=404") && unknown.contains("error=model_not_found")
                        && unknown.contains("model=no_such_model") && unknown.contains("provider=-"),
                        "the client's model name kept to one token: " + unknown);
                String failed = only(lines, "acc-4");
                assertTrue(failed.contains("status=503") && failed.contains("input_tokens=-"), failed);
                for (LogCapture.Line line : lines) {
                    assertEquals(Level.INFO, line.level());
                    assertFalse(line.text().contains(PROMPT) || line.text().contains(ANSWER_TEXT)
                            || line.text().contains("sk-access-provider-1") || line.text().contains(GatewayHarness.ADMIN_TOKEN),
                            "no body, no key: " + line.text());
                    assertFalse(line.message().contains("\n"), "one line: " + line.message());
                    assertTrue(line.message().contains("request_id=" + line.mdc().get(RequestMdc.REQUEST_ID)),
                            "the line's MDC holds its request's id: " + line.mdc());
                }
            }
        }
    }

    private static String only(List<LogCapture.Line> lines, String requestId) {
        List<String> found = lines.stream().map(LogCapture.Line::message)
                .filter(m -> m.startsWith("request_id=" + requestId + " ")).toList();
        assertEquals(1, found.size(), "one access line for " + requestId + ": " + found);
        return found.get(0);
    }
}
