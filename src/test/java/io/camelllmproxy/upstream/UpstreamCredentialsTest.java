package io.camelllmproxy.upstream;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.security.CredentialScheme;
import io.camelllmproxy.security.ProviderCredential;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The client's credential step: the reference becomes the provider's current key, or the call fails unsent. */
class UpstreamCredentialsTest {

    @Test
    void theReferenceIsReplacedByTheProvidersCurrentKeyInItsScheme() throws Exception {
        UpstreamCredentials step = new UpstreamCredentials(Map.of("p1", ProviderCredential.of("sk-current"))::get);
        for (CredentialScheme scheme : CredentialScheme.values()) {
            ClassicHttpRequest request = new BasicClassicHttpRequest("POST", "/v1/chat/completions");
            request.setHeader(UpstreamCredentials.REFERENCE, UpstreamCredentials.reference(scheme, "p1"));
            AtomicReference<ClassicHttpRequest> sent = new AtomicReference<>();
            step.execute(request, null, (r, scope) -> {
                sent.set(r);
                return new BasicClassicHttpResponse(200);
            });
            assertNull(sent.get().getFirstHeader(UpstreamCredentials.REFERENCE), "the reference is not sent");
            assertEquals((scheme == CredentialScheme.BEARER ? "Bearer " : "") + "sk-current",
                    sent.get().getFirstHeader(scheme.header()).getValue());
        }
    }

    @Test
    void aProviderGoneFromTheRegistryFailsTheCallBeforeAnythingIsSent() {
        UpstreamCredentials step = new UpstreamCredentials(id -> null);
        ClassicHttpRequest request = new BasicClassicHttpRequest("POST", "/v1/chat/completions");
        request.setHeader(UpstreamCredentials.REFERENCE, UpstreamCredentials.reference(CredentialScheme.BEARER, "gone"));
        GatewayException e = assertThrows(GatewayException.class, () -> step.execute(request, null, (r, scope) -> {
            throw new AssertionError("sent without its key");
        }));
        assertEquals(503, e.error().status());
        assertEquals("provider_removed", e.error().code());
    }

    @Test
    void aProviderWhoseKeyWasClearedGetsNoCredentialHeader() throws Exception {
        UpstreamCredentials step = new UpstreamCredentials(Map.of("p1", ProviderCredential.NONE)::get);
        ClassicHttpRequest request = new BasicClassicHttpRequest("POST", "/api/chat");
        request.setHeader(UpstreamCredentials.REFERENCE, UpstreamCredentials.reference(CredentialScheme.BEARER, "p1"));
        AtomicReference<ClassicHttpRequest> sent = new AtomicReference<>();
        step.execute(request, null, (r, scope) -> {
            sent.set(r);
            return new BasicClassicHttpResponse(200);
        });
        assertNull(sent.get().getFirstHeader("Authorization"));
        assertNull(sent.get().getFirstHeader(UpstreamCredentials.REFERENCE));
    }
}
