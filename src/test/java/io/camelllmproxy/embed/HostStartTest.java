package io.camelllmproxy.embed;

import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A host laid out the usual way (routes/*.yaml, its own REST configuration) starts with the gateway in it. */
class HostStartTest {

    @Test
    void aHostWithItsOwnRoutesFolderStartsAndServesTheGatewayBesideItsRoutes() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             CamelHost host = CamelHost.start("providers:\n" + provider("p", "openai_compatible", upstream.baseUrl() + "/v1", "sk-host-test", null,
                     "{model_id: m, model_name: M}"), Map.of())) {
            upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[]}");
            HttpResponse<String> chat = host.send("POST", CamelHost.CONTEXT_PATH + "/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", GatewayHarness.ADMIN_TOKEN);
            assertEquals(200, chat.statusCode(), chat.body());
            assertTrue(host.routeIds().contains("host-hello"), host.routeIds().toString());
            assertTrue(host.routeIds().stream().filter(id -> !id.startsWith("host-") && !id.equals("health"))
                    .allMatch(id -> id.startsWith("llm-")), host.routeIds().toString());
        }
    }

    /**
     * Camel Main lists every property it resolved when it starts (a host keeps its default summary on), masking
     * only names it knows as secrets: the admin token's name is one of those.
     */
    @Test
    void theHostsStartUpSummaryMasksTheAdminToken() throws Exception {
        try (LogCapture log = LogCapture.everyLogger(Level.INFO);
             CamelHost host = CamelHost.start("providers: []\n", Map.of("camel.main.autoConfigurationLogSummary", "true"))) {
            assertTrue(log.texts().stream().anyMatch(t -> t.contains("llm.auth.admin.token")),
                    "the summary lists the property: " + log.texts().size() + " lines");
            assertTrue(log.texts().stream().noneMatch(t -> t.contains(GatewayHarness.ADMIN_TOKEN)),
                    "no log line holds the admin token");
            assertEquals(200, host.send("GET", CamelHost.CONTEXT_PATH + "/v1/models", null, GatewayHarness.ADMIN_TOKEN).statusCode());
        }
    }
}
