package io.camelllmproxy.security;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provider keys, client keys and prompts never reach the log, whatever the requests do. */
class SecretsInLogsTest {

    @Test
    void noSecretOrPromptIsLogged() throws Exception {
        LogCapture capture = LogCapture.everything(Level.DEBUG);
        String providerKey = "sk-provider-secret-4242424242";
        String prompt = "my very private prompt 9876";
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), providerKey,
                     null, "{model_id: m, model_name: M}"), Map.of())) {
            String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
            upstream.replyJson(500, "{\"error\":{\"message\":\"bad key " + providerKey + "\"}}");
            gateway.postJson("/v1/chat/completions", chat);
            upstream.replyJson(200, "{\"choices\":[{\"message\":{\"content\":\"" + prompt + "\"}}]}");
            gateway.postJson("/v1/chat/completions", chat);
            gateway.send("POST", "/v1/chat/completions", chat, "sk-llmp-wrong-client-key-123");
            gateway.send("POST", "/llm/providers", "{\"name\":\"logged\",\"provider_type\":\"openai\",\"api_key\":\"sk-admin-set-key-777\"}",
                    GatewayHarness.ADMIN_TOKEN);
        } finally {
            capture.close();
        }
        assertTrue(capture.lines().size() > 10, "the capture saw the gateway's logging");
        for (String line : capture.texts()) {
            for (String secret : new String[] {providerKey, prompt, "sk-llmp-wrong-client-key-123", "sk-admin-set-key-777",
                    GatewayHarness.ADMIN_TOKEN, GatewayHarness.SECRET}) {
                assertFalse(line.contains(secret), "the log holds '" + secret + "': " + line);
            }
        }
    }
}
