package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.apache.camel.component.sql.SqlComponent;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.sql.Connection;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API on a pool of one connection: a change never needs a second connection while its
 * transaction holds one, and never holds one while it waits on something slow (a DNS lookup), so the
 * other admin calls keep being answered.
 */
class AdminConnectionPoolTest {

    /**
     * A pool of two (the fewest migrations need) of which the test holds one, as a concurrent call or the
     * timer would; the wait for a connection is long enough that a starved call fails only after the test's own.
     */
    private static final Map<String, String> ONE_CONNECTION = Map.of("llm.db.pool-size", "2",
            "llm.db.connection-timeout-ms", "5000", "llm.registry.refresh-ms", "600000");

    @Test
    void theFirstChangeOfTheDefaultTemperatureNeedsNoSecondConnection() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     null, null, "{model_id: m, model_name: M}"), ONE_CONNECTION)) {
            String id = firstProviderId(gateway);
            try (Connection held = holdOne(gateway)) {
                // the first use of default_temperature reads whether the schema lets it be empty
                HttpResponse<String> patched = gateway.send("PATCH", "/llm/providers/" + id, "{\"default_temperature\":0.4}",
                        GatewayHarness.ADMIN_TOKEN);
                assertEquals(200, patched.statusCode(), patched.body());
                assertEquals(0.4, Json.MAPPER.readTree(patched.body()).get("default_temperature").asDouble());
                HttpResponse<String> created = gateway.postJson("/llm/providers",
                        "{\"name\":\"q\",\"provider_type\":\"openai\",\"default_temperature\":1.1}");
                assertEquals(201, created.statusCode(), created.body());
            }
        }
    }

    @Test
    void aSlowResolverDoesNotHoldAConnectionWhileAChangeIsChecked() throws Exception {
        CountDownLatch resolving = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        UpstreamAddressPolicy.HostResolver slow = host -> {
            if (!host.equals("slow-dns.test")) {
                return InetAddress.getAllByName(host);
            }
            resolving.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        };
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     null, null, "{model_id: m, model_name: M}"), ONE_CONNECTION, Map.of("llm-upstream-host-resolver", slow))) {
            String id = firstProviderId(gateway);
            Connection held = holdOne(gateway);
            CompletableFuture<HttpResponse<String>> patch = CompletableFuture.supplyAsync(() -> {
                try {
                    return gateway.send("PATCH", "/llm/providers/" + id,
                            "{\"api_base\":\"http://slow-dns.test:1/v1\",\"description\":\"moved\"}", GatewayHarness.ADMIN_TOKEN);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                assertTrue(resolving.await(30, TimeUnit.SECONDS), "the change looks up its api_base");
                // the change is waiting on DNS: the pool's only connection must still be free
                HttpResponse<String> list = gateway.get("/llm/providers");
                assertEquals(200, list.statusCode(), list.body());
                assertEquals(200, gateway.get("/llm/models").statusCode());
            } finally {
                release.countDown();
                held.close();
            }
            HttpResponse<String> patched = patch.get(60, TimeUnit.SECONDS);
            assertEquals(200, patched.statusCode(), patched.body());
            JsonNode provider = Json.MAPPER.readTree(patched.body());
            assertEquals("http://slow-dns.test:1/v1", provider.get("api_base").asText());
            assertEquals("moved", provider.get("description").asText());
        }
    }

    /** A connection from the gateway's own registry pool, kept until closed. */
    private static Connection holdOne(GatewayHarness gateway) throws Exception {
        return gateway.camelContext().getRegistry().lookupByNameAndType("llm-sql", SqlComponent.class).getDataSource()
                .getConnection();
    }

    private static String firstProviderId(GatewayHarness gateway) throws Exception {
        HttpResponse<String> list = gateway.get("/llm/providers");
        assertEquals(200, list.statusCode(), list.body());
        return Json.MAPPER.readTree(list.body()).get("providers").get(0).get("id").asText();
    }
}
