package io.camelllmproxy.registry;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A provider's {@code config.retry} ({@code {"attempts": n, "max_wait_ms": m}}), which gives its plain models a
 * {@link RetryPolicy}. Checked where a provider is written (admin API, bootstrap file), so the request path can
 * trust it.
 */
public final class RetryConfig {

    /** The keys {@code config.retry} may hold. */
    public static final Set<String> KEYS = Set.of("attempts", "max_wait_ms");

    private RetryConfig() {
    }

    /**
     * What is wrong with {@code config.retry}, by key ({@code ""} for the value itself); empty when it is absent
     * or fine.
     */
    public static Map<String, String> problems(JsonNode config) {
        Map<String, String> problems = new LinkedHashMap<>();
        JsonNode retry = config == null ? null : config.get("retry");
        if (retry == null || retry.isNull()) {
            return problems;
        }
        if (!retry.isObject()) {
            problems.put("", "must be an object with attempts and max_wait_ms");
            return problems;
        }
        retry.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                problems.put(key, "is not a retry setting; expected attempts or max_wait_ms");
            }
        });
        JsonNode attempts = retry.get("attempts");
        if (attempts != null && !attempts.isNull()
                && (!whole(attempts) || !attempts.canConvertToInt() || attempts.asInt() < 1)) {
            problems.put("attempts", "must be a whole number of at least 1");
        }
        JsonNode wait = retry.get("max_wait_ms");
        if (wait != null && !wait.isNull()
                && (!whole(wait) || !wait.canConvertToLong() || wait.asLong() < 0)) {
            problems.put("max_wait_ms", "must be a whole number of milliseconds, not negative");
        }
        return problems;
    }

    /** A whole number however it was read: the bootstrap file's YAML numbers arrive as decimals ({@code 2} as 2). */
    private static boolean whole(JsonNode value) {
        return value.isIntegralNumber()
                || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
    }
}
