package io.camelllmproxy.http;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider that closes idle keep-alive connections does not turn the next request into a 502: the pool
 * checks a connection idle past the validation interval before lending it, and a request that meets a
 * close the check missed is sent again, once, on a new connection.
 */
class StaleConnectionRetryTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    /** 0: every pooled connection is checked before reuse; -1: never, so the resend alone must cover the close. */
    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void everyRequestAfterAnIdleCloseSucceeds(String validateAfterInactivityMs) throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     null, null, "{model_id: m, model_name: M}"),
                     Map.of("llm.upstream.validate-after-inactivity-ms", validateAfterInactivityMs))) {
            upstream.replyJson(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}");
            for (int i = 0; i < 6; i++) {
                assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT).statusCode(), "request " + i);
                upstream.take();
                assertTrue(upstream.closeIdleConnections() >= 1, "the provider closed the idle connection");
            }
            assertTrue(upstream.receivedNothing(), "no request reached the provider twice");
        }
    }
}
