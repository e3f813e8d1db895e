package io.camelllmproxy.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import io.vertx.ext.web.Route;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's routes on the server the gateway shares answer exactly as without the gateway (no key, no limits, no
 * size limit, the server's own 404 and the host's /health), while the gateway's paths keep all of its checks.
 */
class HostIsolationTest {

    static final String API = CamelHost.CONTEXT_PATH;
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream upstream;
    static CamelHost host;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[]}");
        host = CamelHost.start("providers:\n" + provider("p", "openai_compatible", upstream.baseUrl() + "/v1",
                "sk-host-isolation", null, "{model_id: m, model_name: M}"),
                // the host's own body limit, above the gateway's 10 MiB (Vert.x's default is 10 MiB too)
                Map.of("camel.server.maxBodySize", String.valueOf(32 * 1024 * 1024)));
    }

    @AfterAll
    static void stop() throws Exception {
        host.close();
        upstream.close();
    }

    @Test
    void hostRoutesNeedNoKey() throws Exception {
        HttpResponse<String> hello = host.send("GET", "/hello", null, null);
        assertEquals(200, hello.statusCode());
        assertEquals("hello from the host", hello.body());
        HttpResponse<String> greeting = host.send("GET", API + "/greetings", null, null);
        assertEquals(200, greeting.statusCode(), greeting.body());
        assertEquals("hello from the host's REST API", Json.MAPPER.readTree(greeting.body()).get("greeting").asText(),
                "the host's REST binding still turns its Map into JSON");
        assertEquals(401, host.send("GET", API + "/v1/models", null, null).statusCode(), "the gateway's paths do need one");
    }

    @Test
    void aRateLimitedKeyLimitsTheGatewayOnly() throws Exception {
        String key = createKey("{\"name\":\"limited\",\"scopes\":[\"llm.read\"],\"rpm_limit\":1}");
        // a client of its own: a GET that a shared client resends on a connection another test left broken counts twice
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertEquals(200, get(client, API + "/v1/models", key).statusCode());
        HttpResponse<String> limited = get(client, API + "/v1/models", key);
        assertEquals(429, limited.statusCode(), limited.body());
        HttpResponse<String> hello = get(client, "/hello", key);
        assertEquals(200, hello.statusCode(), "the host's route knows nothing of the key's limit");
        assertTrue(hello.headers().firstValue("x-ratelimit-limit-requests").isEmpty(), hello.headers().toString());
    }

    @Test
    void largeBodiesAreLimitedOnTheGatewaysPathsOnly() throws Exception {
        String elevenMiB = "x".repeat(11 * 1024 * 1024);
        HttpResponse<String> upload = host.send("POST", "/upload", elevenMiB, null, "Content-Type", "text/plain");
        assertEquals(200, upload.statusCode(), "the host's route took it under the host's own limit");
        assertFalse(upload.body().contains("request_too_large"), upload.body());

        String big = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + elevenMiB + "\"}]}";
        HttpResponse<String> chat = host.send("POST", API + "/v1/chat/completions", big, GatewayHarness.ADMIN_TOKEN);
        assertEquals(413, chat.statusCode());
        assertEquals("request_too_large", Json.MAPPER.readTree(chat.body()).get("error").get("code").asText());

        HttpResponse<String> form = host.send("POST", "/upload", "a=b", null,
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(200, form.statusCode(), "form bodies are the host's business: " + form.body());
    }

    @Test
    void unknownHostPathsGetTheServersOwnAnswerAndTheGatewaysApiItsJson() throws Exception {
        for (String path : List.of("/nope", API + "/nope")) {
            HttpResponse<String> missing = host.send("GET", path, null, null);
            assertEquals(404, missing.statusCode(), path);
            assertFalse(missing.body().contains("\"error\""), path + ": " + missing.body());
        }
        HttpResponse<String> wrongMethodOnHost = host.send("DELETE", "/hello", null, null);
        assertNotEquals(200, wrongMethodOnHost.statusCode());
        assertFalse(wrongMethodOnHost.body().contains("method_not_allowed"), wrongMethodOnHost.body());

        HttpResponse<String> embeddings = host.send("GET", API + "/v1/embeddings", null, null);
        assertEquals(404, embeddings.statusCode());
        assertEquals("not_found", Json.MAPPER.readTree(embeddings.body()).get("error").get("code").asText());
        HttpResponse<String> wrongMethod = host.send("GET", API + "/v1/chat/completions", null, null);
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("allow").orElse(null));
        assertEquals("method_not_allowed", Json.MAPPER.readTree(wrongMethod.body()).get("error").get("code").asText());
    }

    @Test
    void theHostKeepsItsHealthAndTheGatewaysIsBesideIt() throws Exception {
        HttpResponse<String> hostHealth = host.send("GET", "/health", null, null);
        assertEquals(200, hostHealth.statusCode());
        assertEquals("host health", hostHealth.body());
        HttpResponse<String> gatewayHealth = host.send("GET", "/llm/health", null, null);
        assertEquals(200, gatewayHealth.statusCode(), gatewayHealth.body());
        assertEquals("UP", Json.MAPPER.readTree(gatewayHealth.body()).get("status").asText());
    }

    @Test
    void http11AndHttp2ClientsAreServedAlike() throws Exception {
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpClient client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> chat = client.send(HttpRequest.newBuilder(URI.create(host.url(API + "/v1/chat/completions")))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, chat.statusCode(), version + ": " + chat.body());
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(host.url("/hello"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, hello.statusCode(), version.toString());
        }
    }

    /** The guards go with the route when it stops (a live reload stops it) and come back before it serves again. */
    @Test
    void theGuardsFollowARouteThatIsStoppedAndStartedAgain() throws Exception {
        String routeId = host.camelContext().getRoute("llm-list-models-rest") != null ? "llm-list-models-rest" : "llm-list-models";
        int before = router().getRoutes().size();
        host.camelContext().getRouteController().stopRoute(routeId);
        try {
            assertTrue(router().getRoutes().size() < before, "its guard left with it");
            HttpResponse<String> stopped = host.send("GET", API + "/v1/models", null, null);
            assertEquals(404, stopped.statusCode(), stopped.body());
            assertEquals("not_found", Json.MAPPER.readTree(stopped.body()).get("error").get("code").asText());
        } finally {
            host.camelContext().getRouteController().startRoute(routeId);
        }
        assertEquals(before, countRoutes(), "nothing left behind, nothing twice");
        assertEquals(401, host.send("GET", API + "/v1/models", null, null).statusCode());
        assertEquals(200, host.send("GET", API + "/v1/models", null, GatewayHarness.ADMIN_TOKEN).statusCode());
    }

    private static HttpResponse<String> get(HttpClient client, String path, String key) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(host.url(path))).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int countRoutes() {
        List<Route> routes = router().getRoutes();
        return routes.size();
    }

    static VertxPlatformHttpRouter router() {
        return VertxPlatformHttpRouter.lookup(host.camelContext(), VertxPlatformHttpRouter.getRouterNameFromPort(host.port()));
    }

    static String createKey(String body) throws Exception {
        HttpResponse<String> created = host.send("POST", API + "/llm/keys", body, GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode key = Json.MAPPER.readTree(created.body());
        return key.get("key").asText();
    }
}
