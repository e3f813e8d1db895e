package io.camelllmproxy.upstream;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.security.CredentialScheme;
import io.camelllmproxy.security.ProviderCredential;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;

import java.io.IOException;
import java.util.function.Function;

/**
 * Adds the provider key to an upstream request inside the gateway's HTTP client, so the key is never a
 * Camel message header or exchange variable that a route, a tracer or a host's tap could read. The message
 * carries only {@link #REFERENCE}: the credential scheme and the provider's row id, neither of them secret.
 * This step replaces it with the key the in-memory registry snapshot holds for that provider.
 * <p>
 * It runs after HttpClient's protocol step, that is after every request interceptor (camel-http's activity
 * listener hook among them), just before the connection writes the request; a resend by
 * {@link StaleConnectionRetry} goes through it again. The connections never log headers or bytes
 * ({@link UpstreamConnections}), so the key reaches the socket and nothing else.
 */
public class UpstreamCredentials implements ExecChainHandler {

    /** The header naming whose key the request needs: {@code <scheme> <provider id>}. */
    public static final String REFERENCE = "X-Llm-Credential";

    private final Function<String, ProviderCredential> credentials;

    /** {@code credentials}: a provider's current key by its row id, null when the provider is gone. */
    public UpstreamCredentials(Function<String, ProviderCredential> credentials) {
        this.credentials = credentials;
    }

    /** The reference a request to {@code providerId} carries. */
    public static String reference(CredentialScheme scheme, String providerId) {
        return scheme.name() + " " + providerId;
    }

    /** The scheme and current key a reference names. */
    public record Resolved(CredentialScheme scheme, ProviderCredential credential) {
    }

    /**
     * What {@code reference} names, read from {@code credentials} (a provider's key by its row id) as the request is
     * sent; a provider removed since the request was prepared is a 503, and nothing goes out.
     */
    public static Resolved resolve(String reference, Function<String, ProviderCredential> credentials) {
        int space = reference.indexOf(' ');
        CredentialScheme scheme = CredentialScheme.valueOf(reference.substring(0, space));
        ProviderCredential credential = credentials.apply(reference.substring(space + 1));
        if (credential == null) {
            throw new GatewayException(OpenAiError.of(503, OpenAiError.SERVER_ERROR, "provider_removed",
                    "The model's provider was removed from the registry while the request was prepared; nothing was sent"));
        }
        return new Resolved(scheme, credential);
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        Header reference = request.getFirstHeader(REFERENCE);
        if (reference != null) {
            request.removeHeaders(REFERENCE);
            Resolved resolved = resolve(reference.getValue(), credentials);
            resolved.scheme().apply(request, resolved.credential());
        }
        return chain.proceed(request, scope);
    }
}
