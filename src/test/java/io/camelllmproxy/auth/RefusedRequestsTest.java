package io.camelllmproxy.auth;

import io.camelllmproxy.events.RequestFinished;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.FinishedEvents;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A chat request the gate refuses after authentication (a rate limit) still finishes as a request: the observers
 * (ledger, metrics, the finished event) hear of it, with the client's request id, the key and the 429.
 */
class RefusedRequestsTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static FinishedEvents events;
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.replyJson(200, "{\"choices\":[]}");
        gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), null, null,
                "{model_id: m}"), Map.of());
        events = FinishedEvents.tap(gateway.camelContext(), "test-refused-events");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static HttpResponse<String> chat(String key, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT));
        if (requestId != null) {
            request.header("x-request-id", requestId);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRateLimitedChatRequestIsToldToTheObservers() throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", "{\"name\":\"one-a-minute\",\"rpm_limit\":1}",
                GatewayHarness.ADMIN_TOKEN);
        String key = Json.MAPPER.readTree(created.body()).get("key").asText();
        assertEquals(200, chat(key, null).statusCode());
        Map<String, Object> answered = events.next();
        assertEquals(200, answered.get(RequestFinished.STATUS));

        assertEquals(429, chat(key, "client-id-42").statusCode());
        Map<String, Object> refused = events.next();
        assertEquals("client-id-42", refused.get(RequestFinished.REQUEST_ID));
        assertEquals(429, refused.get(RequestFinished.STATUS));
        assertEquals("rate_limit_exceeded", refused.get(RequestFinished.ERROR_CODE));
        assertEquals("one-a-minute", refused.get(RequestFinished.KEY_NAME));
        assertNull(refused.get(RequestFinished.PROVIDER), "nothing was resolved or called");

        assertEquals(429, chat(key, "not a token").statusCode());
        String made = (String) events.next().get(RequestFinished.REQUEST_ID);
        assertFalse(made.contains(" "), "an id that is no printable token is replaced by a new one: " + made);
        upstream.take();
    }
}
