package io.camelllmproxy.security;

import io.vertx.core.MultiMap;
import org.apache.hc.core5.http.HttpRequest;

/**
 * How a provider expects its key: the header and the prefix of its value. A transformer declares its
 * scheme instead of writing the key into its request, and the gateway's HTTP client applies it as the very
 * last step before the request is written, so the key is never on a Camel message and never seen by a
 * request interceptor or activity listener.
 */
public enum CredentialScheme {
    /** {@code Authorization: Bearer <key>} (OpenAI and the servers compatible with it, Ollama behind a proxy). */
    BEARER("Authorization", "Bearer "),
    /** {@code x-api-key: <key>} (Anthropic). */
    X_API_KEY("x-api-key", ""),
    /** {@code api-key: <key>} (Azure OpenAI). */
    API_KEY("api-key", "");

    private final String header;
    private final String prefix;

    CredentialScheme(String header, String prefix) {
        this.header = header;
        this.prefix = prefix;
    }

    public String header() {
        return header;
    }

    /** Sets the credential's header on {@code request}, replacing any; without a key it removes the header. */
    public void apply(HttpRequest request, ProviderCredential credential) {
        request.removeHeaders(header);
        if (credential.isPresent()) {
            request.setHeader(header, prefix + credential.reveal());
        }
    }

    /** As {@link #apply(HttpRequest, ProviderCredential)}, on the headers of a Vert.x request (the streaming client). */
    public void apply(MultiMap headers, ProviderCredential credential) {
        headers.remove(header);
        if (credential.isPresent()) {
            headers.set(header, prefix + credential.reveal());
        }
    }
}
