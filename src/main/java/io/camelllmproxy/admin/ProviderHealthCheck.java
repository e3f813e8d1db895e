package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.crypto.CredentialException;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.transform.AnthropicTransformer;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.transform.UpstreamErrors;
import io.camelllmproxy.transform.WireSchema;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Proves a provider's key works with a cheap authenticated listing in its own schema: OpenAI-style
 * {@code GET {base}/models}, Anthropic {@code GET /v1/models}, Ollama {@code GET /api/tags}, Azure
 * {@code GET /openai/models}. Redirects are not followed and the address policy applies as for chat.
 */
public class ProviderHealthCheck {

    private final CredentialCipher cipher;
    private final UpstreamAddressPolicy addresses;
    private final HttpClient client;
    private final Duration timeout;

    public ProviderHealthCheck(CredentialCipher cipher, UpstreamAddressPolicy addresses, Duration timeout) {
        this.cipher = cipher;
        this.addresses = addresses;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    ObjectNode check(Map<String, Object> provider) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("provider_id", ProviderAdmin.str(provider.get("id")));
        result.put("provider_name", ProviderAdmin.str(provider.get("name")));
        String key = null;
        String error = null;
        int status = 0;
        long start = System.nanoTime();
        try {
            if (provider.get("api_key") != null && !provider.get("api_key").toString().isBlank()) {
                key = cipher.decryptApiKey(provider.get("api_key").toString());
            }
            HttpRequest request = request(provider, key);
            String problem = addresses.problemWithUrl(request.uri().toString());
            if (problem != null) {
                error = "The provider URL " + problem;
            } else {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                status = response.statusCode();
                if (status < 200 || status >= 300) {
                    error = UpstreamErrors.fromBody(status, response.body(), key).message();
                }
            }
        } catch (CredentialException e) {
            error = "The stored API key cannot be decrypted: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "Interrupted";
        } catch (Exception e) {
            error = UpstreamErrors.mask(e.getClass().getSimpleName() + ": " + e.getMessage(), key);
        }
        result.put("status", error == null ? "healthy" : "unhealthy");
        result.put("latency_ms", (System.nanoTime() - start) / 1_000_000);
        if (status > 0) {
            result.put("upstream_status", status);
        }
        result.put("error", error);
        result.put("checked_at", Instant.now().toString());
        return result;
    }

    private HttpRequest request(Map<String, Object> provider, String key) {
        String type = ProviderAdmin.str(provider.get("provider_type"));
        String apiBase = ProviderAdmin.str(provider.get("api_base"));
        JsonNode config = Jdbc.json(provider.get("config"), Json.MAPPER.createObjectNode());
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(timeout).GET();
        String url;
        switch (WireSchema.of(type, apiBase)) {
            case ANTHROPIC -> {
                url = AnthropicTransformer.versionedBase(apiBase) + "/models";
                if (key != null) {
                    builder.header("x-api-key", key);
                }
                String version = config.path("anthropic_version").asText("");
                builder.header("anthropic-version", !version.isBlank() ? version
                        : provider.get("api_version") != null ? provider.get("api_version").toString() : "2023-06-01");
            }
            case OLLAMA -> {
                url = base(apiBase, "http://localhost:11434") + "/api/tags";
                bearer(builder, key);
            }
            case AZURE_OPENAI -> {
                String resource = config.path("resource_name").asText("");
                String version = config.path("api_version").asText("");
                if (version.isBlank()) {
                    version = provider.get("api_version") != null ? provider.get("api_version").toString() : "2024-02-15-preview";
                }
                url = base(apiBase, "https://" + resource + ".openai.azure.com") + "/openai/models?api-version=" + version;
                if (key != null) {
                    builder.header("api-key", key);
                }
            }
            default -> {
                url = base(apiBase, "https://api.openai.com/v1") + "/models";
                bearer(builder, key);
            }
        }
        return builder.uri(URI.create(url)).build();
    }

    private static void bearer(HttpRequest.Builder builder, String key) {
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
    }

    private static String base(String apiBase, String fallback) {
        return WireSchema.stripTrailingSlashes(apiBase != null ? apiBase : fallback);
    }
}
