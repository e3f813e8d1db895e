package io.camelllmproxy.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.apache.camel.component.http.HttpComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's HTTP client keeps its own settings whatever a host sets for its {@code http} component: a host
 * with HttpClient's defaults (automatic retries on, redirects followed, compression on) does not make the gateway
 * resend a POST the provider answered 429 or 503, nor follow a provider's redirect; and the gateway sets nothing
 * on the host's component.
 */
class UpstreamClientSettingsTest {

    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n"
                + provider("up", "openai", upstream.baseUrl(), "sk-settings-key", null, "{model_id: m, model_name: M}"),
                Map.of("camel.component.http.automaticRetriesDisabled", "false",
                        "camel.component.http.followRedirects", "true",
                        "camel.component.http.contentCompressionDisabled", "false",
                        "camel.component.http.connectionRequestTimeout", "1",
                        "camel.component.http.responseTimeout", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void theStandaloneSettingsNameNoHttpComponentSetting() throws Exception {
        for (String line : Files.readAllLines(Path.of("application.properties"))) {
            assertFalse(line.trim().startsWith("camel.component."), "a global component setting: " + line);
        }
    }

    @Test
    void aRateLimitOrUnavailableAnswerIsNotResentWhateverTheHostSets() throws Exception {
        for (int status : new int[] {429, 503}) {
            upstream.reply(new FakeUpstream.Json(status, "{\"error\":{\"message\":\"later\",\"type\":\"requests\"}}",
                    Map.of("Retry-After", "1")));
            HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT);
            assertEquals(status, response.statusCode(), response.body());
            assertEquals("1", response.headers().firstValue("retry-after").orElse(null));
            upstream.take();
            // HttpClient's retry runs before the answer is handed back, so a resend would already be here
            assertTrue(upstream.receivedNothing(), "the gateway resent the POST after " + status);
        }
    }

    @Test
    void aRedirectIsNotFollowedWhateverTheHostSets() throws Exception {
        upstream.reply(new FakeUpstream.Json(307, "", Map.of("Location", upstream.baseUrl() + "/elsewhere")));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT);
        assertEquals(502, response.statusCode(), response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals("upstream_redirect", error.get("code").asText());
        upstream.take();
        assertTrue(upstream.receivedNothing(), "the redirect was followed");
    }

    @Test
    void theHostsTimeoutsDoNotCutTheGatewaysCalls() throws Exception {
        // the host's responseTimeout=1 ms and connectionRequestTimeout=1 ms would fail every provider call
        upstream.reply(new FakeUpstream.Raw(200, "application/json", java.util.List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion\",", "\"choices\":[]}"), 200));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", CHAT);
        assertEquals(200, response.statusCode(), response.body());
        String acceptEncoding = upstream.take().header("Accept-Encoding");
        assertEquals(null, acceptEncoding, "the gateway asks for uncompressed answers, whatever the host sets");
    }

    @Test
    void theHostsHttpComponentKeepsItsOwnSettings() {
        HttpComponent http = gateway.camelContext().getComponent("http", HttpComponent.class);
        assertFalse(http.isAutomaticRetriesDisabled());
        assertTrue(http.isFollowRedirects());
        assertFalse(http.isContentCompressionDisabled());
        assertEquals(1, http.getResponseTimeout());
        assertTrue(http.getHttpClientConfigurer() == null, "the gateway's client setup is not the component's");
        assertTrue(http.getClientConnectionManager() == null, "the gateway's pool is not the component's");
        assertTrue(http.getHttpActivityListener() == null, "nothing of the gateway was autowired into the component");
    }
}
