package io.camelllmproxy.registry;

import java.util.List;

/** The provider types of the reference's registry; rows with any other type are refused on write. */
public final class ProviderTypes {

    public static final List<String> ALL = List.of(
            "openai", "azure_openai", "anthropic", "bedrock", "google_vertex", "watsonx",
            "ollama", "openai_compatible", "cohere", "mistral", "groq", "together");

    private ProviderTypes() {
    }
}
