package io.camelllmproxy.http;

import io.camelllmproxy.security.KeyMask;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failure the gateway did not expect is logged with its stack trace, but with the provider key masked in the
 * message of the failure and of every cause, whatever form the key takes there.
 */
class ErrorResponderTest {

    static final String KEY = "sk-proj/unexpected+key/27182818";
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @Test
    void anUnexpectedFailureHoldingTheKeyIsLoggedMasked() throws Exception {
        // a library failing in a way nobody mapped, and quoting what it was handed (as sent, and JSON-escaped)
        AtomicBoolean armed = new AtomicBoolean();
        UpstreamAddressPolicy.HostResolver broken = host -> {
            if (armed.get() && host.equals("broken.invalid")) {
                throw new IllegalStateException("resolver gave up on a call carrying " + KEY,
                        new IllegalArgumentException("{\"key\":\"" + KEY.replace("/", "\\/").replace("+", "\\u002B") + "\"}"));
            }
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        };
        try (LogCapture log = LogCapture.everything(Level.DEBUG);
             GatewayHarness gateway = GatewayHarness.start("providers:\n"
                     + provider("p", "openai", "http://broken.invalid/v1", KEY, null, "{model_id: m, model_name: M}"),
                     Map.of(), Map.of("llm-upstream-host-resolver", broken))) {
            armed.set(true); // after start: the bootstrap checks the provider's address too
            HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT);
            assertEquals(500, response.statusCode(), response.body());
            assertEquals("internal_error", Json.MAPPER.readTree(response.body()).get("error").get("code").asText());
            assertFalse(response.body().contains(KEY), response.body());

            List<LogCapture.Line> unexpected = log.lines().stream()
                    .filter(l -> l.logger().endsWith("ErrorResponder") && l.level() == Level.ERROR).toList();
            assertEquals(1, unexpected.size(), log.lines().toString());
            String logged = unexpected.get(0).text();
            assertTrue(logged.contains("IllegalStateException: resolver gave up on a call carrying " + KeyMask.MASK), logged);
            assertTrue(logged.contains("Caused by: java.lang.IllegalArgumentException: {\"key\":\"" + KeyMask.MASK + "\"}"), logged);
            assertTrue(logged.contains("\tat io.camelllmproxy.http.ErrorResponderTest"), "the stack frames are kept: " + logged);
            List<String> leaks = log.texts().stream()
                    .filter(line -> line.contains(KEY) || line.contains("sk-proj\\/unexpected")).toList();
            assertEquals(List.of(), leaks, "log lines holding the key");
        }
    }
}
