package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.crypto.CredentialException;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.security.CredentialScheme;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.transform.AnthropicTransformer;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.transform.UpstreamErrors;
import io.camelllmproxy.transform.WireSchema;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.core5.util.Timeout;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Proves a provider's key works with a cheap authenticated listing in its own schema: OpenAI-style
 * {@code GET {base}/models}, Anthropic {@code GET /v1/models}, Ollama {@code GET /api/tags}, Azure
 * {@code GET /openai/models}. Redirects are not followed, and the check connects through the chat path's
 * connection pool, whose resolver applies the address policy to the very address it connects to and whose
 * connections never log the key header. The request is this class's own, never on a Camel exchange.
 */
public class ProviderHealthCheck {

    private record Answer(int status, byte[] body) {
    }

    /** Only the start of an error body is read: it is a message. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final CredentialCipher cipher;
    private final UpstreamAddressPolicy addresses;
    private final CloseableHttpClient client;

    /** {@code connections} is the upstream pool of the chat path; this check shares it and never closes it. */
    public ProviderHealthCheck(CredentialCipher cipher, UpstreamAddressPolicy addresses,
                               HttpClientConnectionManager connections, Duration timeout) {
        this.cipher = cipher;
        this.addresses = addresses;
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setConnectionManagerShared(true)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(timeout))
                        .setResponseTimeout(Timeout.of(timeout))
                        .build())
                .build();
    }

    ObjectNode check(Map<String, Object> provider) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("provider_id", ProviderAdmin.str(provider.get("id")));
        result.put("provider_name", ProviderAdmin.str(provider.get("name")));
        result.put("provider_type", ProviderAdmin.str(provider.get("provider_type")));
        ProviderCredential key = ProviderCredential.NONE;
        String error = null;
        int status = 0;
        long start = System.nanoTime();
        try {
            if (provider.get("api_key") != null && !provider.get("api_key").toString().isBlank()) {
                key = ProviderCredential.of(cipher.decryptApiKey(provider.get("api_key").toString()));
            }
            HttpGet request = request(provider, key);
            String problem = addresses.problemWithUrl(request.getUri().toString());
            if (problem != null) {
                error = "The provider URL " + problem;
            } else {
                Answer answer = client.execute(request, response -> {
                    if (response.getEntity() == null) {
                        return new Answer(response.getCode(), new byte[0]);
                    }
                    try (InputStream in = response.getEntity().getContent()) {
                        return new Answer(response.getCode(), in.readNBytes(MAX_ERROR_BODY));
                    }
                });
                status = answer.status();
                if (status < 200 || status >= 300) {
                    error = UpstreamErrors.fromBody(status, answer.body(), key).message();
                }
            }
        } catch (CredentialException e) {
            error = "The stored API key cannot be decrypted: " + e.getMessage();
        } catch (Exception e) {
            // named like a chat failure: the provider, never its URL or address
            error = key.mask(ErrorMapping.toOpenAi(e, ProviderAdmin.str(provider.get("name"))).message());
        }
        result.put("status", error == null ? "healthy" : "unhealthy");
        // ContextForge's name and unit: milliseconds as a float.
        result.put("response_time_ms", (System.nanoTime() - start) / 1_000_000.0);
        if (status > 0) {
            result.put("upstream_status", status);
        }
        result.put("error", error);
        result.put("checked_at", Instant.now().toString());
        return result;
    }

    private HttpGet request(Map<String, Object> provider, ProviderCredential key) {
        String type = ProviderAdmin.str(provider.get("provider_type"));
        String apiBase = ProviderAdmin.str(provider.get("api_base"));
        JsonNode config = Jdbc.json(provider.get("config"), Json.MAPPER.createObjectNode());
        HttpGet builder = new HttpGet("/");
        String url;
        switch (WireSchema.of(type, apiBase)) {
            case ANTHROPIC -> {
                url = AnthropicTransformer.versionedBase(apiBase) + "/models";
                CredentialScheme.X_API_KEY.apply(builder, key);
                String version = config.path("anthropic_version").asText("");
                builder.setHeader("anthropic-version", !version.isBlank() ? version
                        : provider.get("api_version") != null ? provider.get("api_version").toString() : "2023-06-01");
            }
            case OLLAMA -> {
                url = base(apiBase, "http://localhost:11434") + "/api/tags";
                CredentialScheme.BEARER.apply(builder, key);
            }
            case AZURE_OPENAI -> {
                String resource = config.path("resource_name").asText("");
                String version = config.path("api_version").asText("");
                if (version.isBlank()) {
                    version = provider.get("api_version") != null ? provider.get("api_version").toString() : "2024-02-15-preview";
                }
                url = base(apiBase, "https://" + resource + ".openai.azure.com") + "/openai/models?api-version=" + version;
                CredentialScheme.API_KEY.apply(builder, key);
            }
            default -> {
                url = base(apiBase, "https://api.openai.com/v1") + "/models";
                CredentialScheme.BEARER.apply(builder, key);
            }
        }
        builder.setUri(java.net.URI.create(url));
        return builder;
    }

    private static String base(String apiBase, String fallback) {
        return WireSchema.stripTrailingSlashes(apiBase != null ? apiBase : fallback);
    }
}
