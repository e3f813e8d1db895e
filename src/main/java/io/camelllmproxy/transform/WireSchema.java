package io.camelllmproxy.transform;

import java.util.Locale;

/**
 * The wire format a provider speaks. Dispatch is on this, not on the vendor: Groq, Mistral, Together
 * and vLLM are rows of the OpenAI schema, not code.
 */
public enum WireSchema {
    OPENAI("openai"),
    AZURE_OPENAI("azure_openai"),
    ANTHROPIC("anthropic"),
    OLLAMA("ollama"),
    /** Types the reference knows but that no translator here speaks yet (bedrock, vertex, watsonx, cohere). */
    UNSUPPORTED("unsupported");

    private final String id;

    WireSchema(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static WireSchema of(String providerType, String apiBase) {
        String type = providerType == null ? "" : providerType.toLowerCase(Locale.ROOT);
        return switch (type) {
            case "openai", "openai_compatible", "mistral", "groq", "together" -> OPENAI;
            case "azure_openai" -> AZURE_OPENAI;
            case "anthropic" -> ANTHROPIC;
            case "ollama" -> apiBase != null && stripTrailingSlashes(apiBase).endsWith("/v1") ? OPENAI : OLLAMA;
            default -> UNSUPPORTED;
        };
    }

    public static String stripTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }
}
