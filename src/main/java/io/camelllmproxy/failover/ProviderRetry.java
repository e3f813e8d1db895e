package io.camelllmproxy.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.RetryPolicy;

/**
 * A plain model's retries, from its provider's {@code config}: {@code {"retry": {"attempts": 2, "max_wait_ms": 5000}}}
 * (the admin API refuses values this could not read). Without it, one call.
 */
public final class ProviderRetry {

    private ProviderRetry() {
    }

    public static RetryPolicy of(ObjectNode config) {
        JsonNode retry = config == null ? null : config.get("retry");
        if (retry == null || !retry.isObject()) {
            return RetryPolicy.NONE;
        }
        int attempts = retry.path("attempts").canConvertToInt() ? retry.path("attempts").asInt(1) : 1;
        long maxWait = retry.path("max_wait_ms").canConvertToLong()
                ? retry.path("max_wait_ms").asLong(RetryPolicy.DEFAULT_MAX_WAIT_MS) : RetryPolicy.DEFAULT_MAX_WAIT_MS;
        if (attempts < 1 || maxWait < 0) {
            return RetryPolicy.NONE;
        }
        return new RetryPolicy(attempts, maxWait);
    }
}
