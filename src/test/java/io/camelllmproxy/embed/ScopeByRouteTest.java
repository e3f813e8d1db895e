package io.camelllmproxy.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Under a host's REST context path (/api), the scope a request needs comes from the route that serves it: the
 * escalation of issue 9 (a key with llm.read creating an admin key at /api/llm/keys) is refused, and anything of
 * the gateway's that is not chat, the model list or health needs admin.
 */
class ScopeByRouteTest {

    static final String API = CamelHost.CONTEXT_PATH;
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String ESCALATE = "{\"name\":\"escalated\",\"scopes\":[\"admin\"]}";

    static FakeUpstream upstream;
    static CamelHost host;
    static String reader;
    static String invoker;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[]}");
        host = CamelHost.start("providers:\n" + provider("p", "openai_compatible", upstream.baseUrl() + "/v1",
                "sk-scope-test", null, "{model_id: m, model_name: M}"), Map.of(), new RouteBuilder() {
                    @Override
                    public void configure() {
                        // a route a user adds to the gateway's set (llm- id) without telling it what it needs
                        from("platform-http:/llm-user-extra?httpMethodRestrict=GET").routeId("llm-user-extra")
                                .setBody(constant("extra"));
                    }
                });
        reader = createKey("{\"name\":\"reader\",\"scopes\":[\"llm.read\"]}");
        invoker = createKey("{\"name\":\"invoker\",\"scopes\":[\"llm.invoke\"]}");
    }

    @AfterAll
    static void stop() throws Exception {
        host.close();
        upstream.close();
    }

    @Test
    void aReadKeyCannotCreateAnAdminKeyUnderTheContextPath() throws Exception {
        assertScopeRefused(host.send("POST", API + "/llm/keys", ESCALATE, reader), "admin");
        assertScopeRefused(host.send("POST", API + "/v1/llm/keys", ESCALATE, reader), "admin");
        assertScopeRefused(host.send("GET", API + "/llm/providers", null, reader), "admin");
        assertScopeRefused(host.send("GET", API + "/llm/keys", null, invoker), "admin");
    }

    @Test
    void theAdminApiWorksUnderTheContextPathAndItsSecondMount() throws Exception {
        assertEquals(200, host.send("GET", API + "/llm/providers", null, GatewayHarness.ADMIN_TOKEN).statusCode());
        HttpResponse<String> second = host.send("GET", API + "/v1/llm/providers?page=1&page_size=1", null, GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, second.statusCode(), second.body());
        HttpResponse<String> oversized = host.send("GET", API + "/v1/llm/providers?page_size=501", null, GatewayHarness.ADMIN_TOKEN);
        assertEquals(422, oversized.statusCode(), "the query string goes along: " + oversized.body());
        HttpResponse<String> created = host.send("POST", API + "/v1/llm/keys", "{\"name\":\"by-admin\",\"scopes\":[\"llm.read\"]}",
                GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
    }

    @Test
    void eachOpenAiEndpointNeedsItsOwnScope() throws Exception {
        assertEquals(200, host.send("POST", API + "/v1/chat/completions", CHAT, invoker).statusCode());
        assertScopeRefused(host.send("POST", API + "/v1/chat/completions", CHAT, reader), "llm.invoke");
        assertEquals(200, host.send("GET", API + "/v1/models", null, reader).statusCode());
        HttpResponse<String> slashed = host.send("GET", API + "/v1/models/p/m", null, reader);
        assertEquals(200, slashed.statusCode(), "a name holding '/' under the context path: " + slashed.body());
        assertEquals("p/m", Json.MAPPER.readTree(slashed.body()).get("id").asText());
        assertScopeRefused(host.send("GET", API + "/v1/models", null, invoker), "llm.read");
        assertEquals(200, host.send("GET", "/llm/health", null, null).statusCode(), "health is open");
    }

    @Test
    void aGatewayRouteTheTableDoesNotNameNeedsAdmin() throws Exception {
        assertEquals(401, host.send("GET", "/llm-user-extra", null, null).statusCode());
        assertScopeRefused(host.send("GET", "/llm-user-extra", null, reader), "admin");
        assertScopeRefused(host.send("GET", "/llm-user-extra", null, invoker), "admin");
        HttpResponse<String> admin = host.send("GET", "/llm-user-extra", null, GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, admin.statusCode());
        assertEquals("extra", admin.body());
    }

    private static void assertScopeRefused(HttpResponse<String> response, String scope) throws Exception {
        assertEquals(403, response.statusCode(), response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals("insufficient_scope", error.get("code").asText());
        assertEquals(true, error.get("message").asText().contains("'" + scope + "'"), error.toString());
    }

    static String createKey(String body) throws Exception {
        HttpResponse<String> created = host.send("POST", API + "/llm/keys", body, GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body()).get("key").asText();
    }
}
