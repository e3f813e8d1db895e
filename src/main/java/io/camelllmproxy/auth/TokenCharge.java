package io.camelllmproxy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.transform.Json;

import java.io.IOException;

/**
 * Charges a key's tokens-per-minute bucket with what an answer used, read from the OpenAI-shaped answer
 * (a completion's {@code usage}, or a stream's usage chunk when the client asked for one).
 */
public final class TokenCharge {

    private final RateLimiter limiter;
    private final ApiKeyIdentity identity;

    private TokenCharge(RateLimiter limiter, ApiKeyIdentity identity) {
        this.limiter = limiter;
        this.identity = identity;
    }

    /** A charge for this key, or null when it has no token limit (nothing to parse then). */
    public static TokenCharge forKey(RateLimiter limiter, ApiKeyIdentity identity) {
        return identity != null && identity.tpmLimit() != null ? new TokenCharge(limiter, identity) : null;
    }

    public void fromBody(byte[] body) {
        try {
            charge(Json.MAPPER.readTree(body));
        } catch (IOException e) {
            // an answer that is not JSON reports no usage
        }
    }

    public void fromChunk(String payload) {
        if (!payload.contains("\"usage\"")) {
            return;
        }
        try {
            charge(Json.MAPPER.readTree(payload));
        } catch (IOException e) {
            // as above
        }
    }

    private void charge(JsonNode answer) {
        JsonNode usage = answer.path("usage");
        if (usage.isObject()) {
            limiter.chargeTokens(identity, usage.path("total_tokens").asLong(
                    usage.path("prompt_tokens").asLong(0) + usage.path("completion_tokens").asLong(0)));
        }
    }
}
