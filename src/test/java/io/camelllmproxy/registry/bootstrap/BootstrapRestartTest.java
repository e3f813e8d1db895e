package io.camelllmproxy.registry.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.TestDatabase;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A copied example file whose {@code ${OPENAI_API_KEY}} is not set must not erase, at a restart, the key an
 * operator set through the admin API: the provider still authenticates upstream with it.
 */
class BootstrapRestartTest {

    static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aKeySetThroughTheAdminApiSurvivesARestartWithAnUnsetVariable() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream()) {
            upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[]}");
            String registry = "providers:\n" + provider("local-openai", "openai_compatible", upstream.baseUrl(),
                    "${env:SURELY_UNSET_OPENAI_API_KEY}", null, "{model_id: gpt-4o-mini, model_name: GPT-4o mini}");
            TestDatabase database = TestDatabase.create();

            try (GatewayHarness first = GatewayHarness.start(registry, Map.of(), database)) {
                String id = providerId(first);
                HttpResponse<String> patched = first.send("PATCH", "/llm/providers/" + id,
                        "{\"api_key\":\"sk-set-by-admin\"}", GatewayHarness.ADMIN_TOKEN);
                assertEquals(200, patched.statusCode(), patched.body());
                assertEquals(200, first.postJson("/v1/chat/completions", CHAT).statusCode());
                assertEquals("Bearer sk-set-by-admin", upstream.take().header("Authorization"));
            }

            try (GatewayHarness second = GatewayHarness.start(registry, Map.of(), database)) {
                assertEquals(true, Json.MAPPER.readTree(second.get("/llm/providers/" + providerId(second)).body())
                        .path("api_key_set").asBoolean());
                HttpResponse<String> chat = second.postJson("/v1/chat/completions", CHAT);
                assertEquals(200, chat.statusCode(), chat.body());
                assertEquals("Bearer sk-set-by-admin", upstream.take().header("Authorization"));
            }
        }
    }

    private static String providerId(GatewayHarness gateway) throws Exception {
        JsonNode providers = Json.MAPPER.readTree(gateway.get("/llm/providers").body()).path("providers");
        assertEquals(1, providers.size(), providers.toString());
        return providers.get(0).path("id").asText();
    }
}
