package io.camelllmproxy.usage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a provider reported one request used, in OpenAI's terms: {@code input} counts every prompt token, the
 * {@code cached} ones among them ({@code prompt_tokens_details.cached_tokens}); {@code output} counts every
 * completion token, the {@code reasoning} ones among them ({@code completion_tokens_details.reasoning_tokens}).
 */
public record TokenUsage(long input, long output, long cached, long reasoning) {

    /** The usage of an OpenAI {@code usage} object, or null when {@code usage} is not one. */
    public static TokenUsage of(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        return new TokenUsage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
    }

    public long total() {
        return input + output;
    }
}
