package io.camelllmproxy.http;

import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone owns its server: a platform-http route a user adds beside the gateway's (a file dropped into
 * ./routes, named as the user likes) is no open door. It needs a key with admin, as anything the gateway does
 * not know.
 */
class StandaloneRouteGuardTest {

    @Test
    void aRouteTheUserAddsToTheStandaloneNeedsAnAdminKey() throws Exception {
        RouteBuilder userRoute = new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/my-report?httpMethodRestrict=GET").routeId("my-report").setBody(constant("report"));
            }
        };
        try (GatewayHarness gateway = GatewayHarness.start("providers: []\n", Map.of(), Map.of("user-routes", userRoute))) {
            assertEquals(401, gateway.send("GET", "/my-report", null, null).statusCode());
            String readKey = Json.MAPPER.readTree(gateway.postJson("/llm/keys",
                    "{\"name\":\"reader\",\"scopes\":[\"llm.read\"]}").body()).get("key").asText();
            HttpResponse<String> forbidden = gateway.send("GET", "/my-report", null, readKey);
            assertEquals(403, forbidden.statusCode(), forbidden.body());
            assertTrue(forbidden.body().contains("insufficient_scope"), forbidden.body());
            HttpResponse<String> admin = gateway.get("/my-report");
            assertEquals(200, admin.statusCode(), admin.body());
            assertEquals("report", admin.body());
        }
    }
}
