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

    /** Forbidden IPv4 addresses written as IPv6 forms that embed them, or in numeric spellings resolvers accept. */
    @ParameterizedTest
    @ValueSource(strings = {
            "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b::169.254.169.254]/", "http://[64:ff9b::6464:64c8]/",
            "http://[64:ff9b:1:a9fe:a9:fe00::]/", "http://[64:ff9b:1::a9fe:a9fe]/",
            "http://[2002:a9fe:a9fe::1]/", "http://[::a9fe:a9fe]/", "http://[::169.254.169.254]/",
            "http://[::ffff:0:a9fe:a9fe]/", "http://[::ffff:a9fe:a9fe]/", "http://[::ffff:169.254.169.254]/",
            "http://[2001:0:4136:e378:8000:63bf:5601:5601]/", "http://[2002:a83f:8110::]/",
            "http://2852039166/", "http://0251.0376.0251.0376/", "http://0xa9fea9fe/", "http://0xA9.0xFE.0xA9.0xFE/",
            "http://169.254.43518/", "http://0251.254.169.254/", "http://0xa9.16689662/"})
    void embeddedAndNumericFormsOfMetadataAddressesAreNeverAllowed(String url) {
        assertNotNull(open.problemWithUrl(url), url);
        assertNotNull(closed.problemWithUrl(url), url);
    }

    /** Loopback, private, carrier-grade NAT and benchmark ranges, plainly or embedded: allowed only when private networks are. */
    @ParameterizedTest
    @ValueSource(strings = {
            "http://100.64.0.1/", "http://100.127.255.254/", "http://198.18.0.1/", "http://198.19.255.1/",
            "http://127.8.9.10/", "http://172.31.0.1/",
            "http://[::ffff:127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/", "http://[::7f00:1]/",
            "http://[::ffff:0:a00:1]/", "http://[64:ff9b::c0a8:101]/", "http://[2002:ac10:1::]/", "http://[64:ff9b::6440:1]/",
            "http://[2002:c612:1::]/", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://[64:ff9b:1::808:808]/",
            "http://[fd12:3456::1]/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f000001/"})
    void privateRangesInEveryFormFollowTheSetting(String url) {
        assertNull(open.problemWithUrl(url), url);
        assertNotNull(closed.problemWithUrl(url), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.216.34/v1", "http://[2002:5db8:d822::1]/", "http://[64:ff9b::5db8:d822]/",
            "http://1572395042/", "http://[2606:4700::1111]/", "http://[::ffff:93.184.216.34]/"})
    void publicAddressesInEveryFormAreAllowed(String url) {
        assertNull(closed.problemWithUrl(url), url);
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
