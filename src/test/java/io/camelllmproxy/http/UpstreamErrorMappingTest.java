package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way an upstream call can fail, as the client sees it: status, error code, message, headers. */
class UpstreamErrorMappingTest {

    static final String REQUEST = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        gateway = GatewayHarness.start("providers:\n"
                + provider("up", "openai", upstream.baseUrl(), "sk-x", null, "{model_id: m, model_name: M}")
                + provider("down", "openai", "http://127.0.0.1:" + closedPort + "/v1", null, null,
                "{model_id: gone, model_name: Gone}"),
                Map.of("llm.upstream.read-timeout-ms", "1000"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static JsonNode error(HttpResponse<String> response) throws Exception {
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        return Json.MAPPER.readTree(response.body()).get("error");
    }

    @Test
    void rateLimitsKeepStatusMessageAndBackOffHeaders() throws Exception {
        upstream.reply(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}", Map.of("Retry-After", "20",
                "x-ratelimit-limit-requests", "500", "x-ratelimit-remaining-requests", "0",
                "x-ratelimit-reset-requests", "20s", "Set-Cookie", "upstream=1")));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", REQUEST);
        assertEquals(429, response.statusCode());
        assertEquals("20", response.headers().firstValue("retry-after").orElse(null));
        assertEquals("500", response.headers().firstValue("x-ratelimit-limit-requests").orElse(null));
        assertEquals("0", response.headers().firstValue("x-ratelimit-remaining-requests").orElse(null));
        assertEquals("20s", response.headers().firstValue("x-ratelimit-reset-requests").orElse(null));
        assertTrue(response.headers().firstValue("set-cookie").isEmpty());
        JsonNode error = error(response);
        assertEquals("Rate limit reached", error.get("message").asText());
        assertEquals("rate_limit_exceeded", error.get("code").asText());
        upstream.take();
        assertTrue(upstream.receivedNothing(), "a 429 is not retried by the gateway");
    }

    @Test
    void serverErrorsKeepTheirStatusAndMessage() throws Exception {
        for (int status : new int[] {500, 502, 503}) {
            upstream.replyJson(status, "{\"error\":{\"message\":\"boom " + status + "\",\"type\":\"server_error\"}}");
            HttpResponse<String> response = gateway.postJson("/v1/chat/completions", REQUEST);
            assertEquals(status, response.statusCode());
            assertEquals("boom " + status, error(response).get("message").asText());
            upstream.take();
        }
    }

    @Test
    void anUpstreamErrorThatIsNotJsonStillBecomesAnOpenAiError() throws Exception {
        upstream.reply(new FakeUpstream.Json(400, "bad things happened", Map.of()));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", REQUEST);
        assertEquals(400, response.statusCode());
        JsonNode error = error(response);
        assertEquals("bad things happened", error.get("message").asText());
        assertEquals("invalid_request_error", error.get("type").asText());
        upstream.take();
    }

    @Test
    void anUnreachableProviderIs502() throws Exception {
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", REQUEST.replace("\"m\"", "\"gone\""));
        assertEquals(502, response.statusCode());
        assertEquals("upstream_unreachable", error(response).get("code").asText());
        assertEquals("provider 'down' could not be reached: connection refused", error(response).get("message").asText());
        assertNoAddress(response.body());
    }

    /** Clients learn which provider failed, never where it lives. */
    static void assertNoAddress(String body) {
        for (String leak : new String[] {"127.0.0.1", "localhost", "http://", "/v1", ":" + closedPort}) {
            assertTrue(!body.contains(leak), "the error shows '" + leak + "': " + body);
        }
    }

    @Test
    void aProviderThatDoesNotAnswerIs504() throws Exception {
        upstream.reply(new FakeUpstream.Silence());
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", REQUEST);
        assertEquals(504, response.statusCode());
        assertEquals("upstream_timeout", error(response).get("code").asText());
        assertEquals("provider 'up' did not answer in time", error(response).get("message").asText());
        assertNoAddress(response.body());
        upstream.take();
    }
}
