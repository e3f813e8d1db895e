package io.camelllmproxy.security;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provider keys, client keys and prompts never reach the log, whatever the requests do. */
class SecretsInLogsTest {

    static final class Capture extends AbstractAppender {
        final List<String> lines = new CopyOnWriteArrayList<>();

        Capture() {
            super("capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringWriter text = new StringWriter();
            text.append(event.getMessage().getFormattedMessage());
            if (event.getThrown() != null) {
                event.getThrown().printStackTrace(new PrintWriter(text));
            }
            lines.add(text.toString());
        }
    }

    @Test
    void noSecretOrPromptIsLogged() throws Exception {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Capture capture = new Capture();
        capture.start();
        context.getConfiguration().getRootLogger().addAppender(capture, org.apache.logging.log4j.Level.ALL, null);
        context.getConfiguration().getRootLogger().setLevel(org.apache.logging.log4j.Level.DEBUG);
        context.updateLoggers();
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
            context.getConfiguration().getRootLogger().removeAppender("capture");
            context.getConfiguration().getRootLogger().setLevel(org.apache.logging.log4j.Level.WARN);
            context.updateLoggers();
        }
        assertTrue(capture.lines.size() > 10, "the capture saw the gateway's logging");
        for (String line : capture.lines) {
            for (String secret : new String[] {providerKey, prompt, "sk-llmp-wrong-client-key-123", "sk-admin-set-key-777",
                    GatewayHarness.ADMIN_TOKEN, GatewayHarness.SECRET}) {
                assertFalse(line.contains(secret), "the log holds '" + secret + "': " + line);
            }
        }
    }
}
