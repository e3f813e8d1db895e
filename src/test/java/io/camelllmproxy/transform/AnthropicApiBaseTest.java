package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An Anthropic {@code api_base} works in every form a user writes it: the host alone (Anthropic's docs) or
 * ending in {@code /v1} (the form OpenAI bases take), with or without a trailing slash. The fake provider
 * records the path each form reaches, for chat and for the health check.
 */
class AnthropicApiBaseTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        String root = upstream.baseUrl().substring(0, upstream.baseUrl().length() - "/v1".length());
        String registry = "providers:\n"
                + provider("bare", "anthropic", root, "sk-ant", null, "{model_id: claude-bare, model_name: Bare}")
                + provider("bare-slash", "anthropic", root + "/", "sk-ant", null, "{model_id: claude-bare-slash, model_name: Bare slash}")
                + provider("versioned", "anthropic", root + "/v1", "sk-ant", null, "{model_id: claude-versioned, model_name: Versioned}")
                + provider("versioned-slash", "anthropic", root + "/v1//", "sk-ant", null, "{model_id: claude-versioned-slash, model_name: Versioned slash}");
        gateway = GatewayHarness.start(registry, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bare", "bare-slash", "versioned", "versioned-slash"})
    void chatReachesV1MessagesOnce(String provider) throws Exception {
        upstream.clearReceived();
        upstream.replyJson(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        HttpResponse<String> chat = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"claude-" + provider + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, chat.statusCode(), chat.body());
        assertEquals("/v1/messages", upstream.take().path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bare", "bare-slash", "versioned", "versioned-slash"})
    void healthCheckReachesV1Models(String provider) throws Exception {
        JsonNode providers = Json.MAPPER.readTree(gateway.get("/llm/providers?page_size=500").body()).path("providers");
        String id = null;
        for (JsonNode p : providers) {
            if (p.path("name").asText().equals(provider)) {
                id = p.path("id").asText();
            }
        }
        upstream.clearReceived();
        upstream.replyJson(200, "{\"data\":[],\"has_more\":false}");
        HttpResponse<String> health = gateway.postJson("/llm/providers/" + id + "/health", "");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("/v1/models", upstream.take().path());
    }
}
