package io.camelllmproxy.security;

import io.camelllmproxy.observe.AccessLog;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provider keys, client keys, the admin token, the encryption secret and prompts never reach the log, with every
 * logger of the JVM at TRACE (the caps the configuration sets lowered too), whatever the requests do: plain,
 * streamed, failed at the provider, refused at the gate, admin calls that set a key.
 */
class SecretsInLogsTest {

    @Test
    void noSecretOrPromptIsLogged() throws Exception {
        String providerKey = "sk-provider-secret-4242424242";
        String prompt = "my very private prompt 9876";
        String answer = "the private answer 5432";
        String clientKey;
        LogCapture capture;
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), providerKey,
                     null, "{model_id: m, model_name: M}"), Map.of())) {
            HttpResponse<String> created = gateway.send("POST", "/llm/keys",
                    "{\"name\":\"client-one\",\"scopes\":[\"llm.invoke\"],\"rpm_limit\":3}", GatewayHarness.ADMIN_TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            clientKey = Json.MAPPER.readTree(created.body()).get("key").asText();
            capture = LogCapture.everyLogger(Level.TRACE);
            try {
                String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
                upstream.replyJson(500, "{\"error\":{\"message\":\"bad key " + providerKey + "\"}}");
                gateway.postJson("/v1/chat/completions", chat);
                upstream.replyJson(200, "{\"choices\":[{\"message\":{\"content\":\"" + answer + "\"}}],"
                        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");
                assertEquals(200, gateway.send("POST", "/v1/chat/completions", chat, clientKey).statusCode());
                upstream.replySse(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + answer + "\"}}]}", "[DONE]"), 0);
                assertEquals(200, gateway.send("POST", "/v1/chat/completions",
                        chat.replace("}]}", "}],\"stream\":true}"), clientKey).statusCode());
                gateway.send("POST", "/v1/chat/completions", chat, clientKey);
                assertEquals(429, gateway.send("POST", "/v1/chat/completions", chat, clientKey).statusCode(),
                        "the key's limit refused the fourth");
                gateway.send("POST", "/v1/chat/completions", chat, "sk-llmp-wrong-client-key-123");
                gateway.send("POST", "/llm/providers", "{\"name\":\"logged\",\"provider_type\":\"openai\",\"api_key\":\"sk-admin-set-key-777\"}",
                        GatewayHarness.ADMIN_TOKEN);
                await().atMost(Duration.ofSeconds(30)).until(() -> capture.lines().stream()
                        .filter(l -> l.logger().equals(AccessLog.LOGGER)).count() >= 4);
            } finally {
                capture.close();
            }
        }
        assertTrue(capture.lines().size() > 1000, "the capture saw TRACE logging: " + capture.lines().size());
        assertTrue(capture.lines().stream().anyMatch(l -> l.logger().startsWith("org.apache.hc.client5.http")),
                "HttpClient's own loggers were on");
        assertTrue(capture.lines().stream().anyMatch(l -> l.logger().equals(AccessLog.LOGGER)), "the access log was on");
        for (LogCapture.Line line : capture.lines()) {
            String seen = line.text() + " " + line.mdc();
            for (String secret : new String[] {providerKey, prompt, answer, clientKey, "sk-llmp-wrong-client-key-123",
                    "sk-admin-set-key-777", GatewayHarness.ADMIN_TOKEN, GatewayHarness.SECRET}) {
                assertFalse(seen.contains(secret), "the log holds '" + secret + "': " + line.logger() + " " + seen);
            }
        }
    }
}
