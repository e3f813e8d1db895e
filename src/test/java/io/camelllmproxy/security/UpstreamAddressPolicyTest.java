package io.camelllmproxy.security;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which provider URLs the gateway accepts, and that the check also holds when a connection is made. */
class UpstreamAddressPolicyTest {

    final UpstreamAddressPolicy open = new UpstreamAddressPolicy(true);
    final UpstreamAddressPolicy closed = new UpstreamAddressPolicy(false);

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data", "http://[fd00:ec2::254]/", "http://metadata.google.internal/",
            "http://METADATA.GOOGLE.INTERNAL./x", "http://169.254.170.2/v2/credentials", "http://100.100.100.200/", "http://[fe80::1]/",
            "http://168.63.129.16/", "ftp://example.com/", "file:///etc/passwd", "https://user:pw@example.com/", "http:///nohost"})
    void neverAllowed(String url) {
        assertNotNull(open.problemWithUrl(url), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:11434", "http://10.1.2.3:8000/v1", "http://192.168.1.9/v1", "http://[::1]:9000/"})
    void privateNetworksAreAllowedUnlessConfiguredOff(String url) {
        assertNull(open.problemWithUrl(url), url);
        assertNotNull(closed.problemWithUrl(url), url);
    }

    @Test
    void publicAddressesAreAllowed() {
        assertNull(closed.problemWithUrl("https://93.184.216.34/v1"));
    }

    @Test
    void theConnectionItselfIsCheckedSoARegistryRowCannotBypassTheRule() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("local", "openai", upstream.baseUrl(), null,
                     null, "{model_id: m, model_name: M}"), Map.of("llm.upstream.allow-private-networks", "true"))) {
            try (java.sql.Connection c = gateway.database().connect(); java.sql.Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE llm_providers SET api_base = 'http://169.254.169.254/v1' WHERE name = 'local'");
            }
            String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> gateway.postJson("/v1/chat/completions", chat).statusCode() == 502);
            HttpResponse<String> refused = gateway.postJson("/v1/chat/completions", chat);
            assertTrue(Json.MAPPER.readTree(refused.body()).get("error").get("message").asText().contains("metadata"), refused.body());
            assertEquals("upstream_unreachable", Json.MAPPER.readTree(refused.body()).get("error").get("code").asText());
        }
    }
}
