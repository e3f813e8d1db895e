package io.camelllmproxy.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code x-ratelimit-*} headers OpenAI clients already read, for one key's state. */
public final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    public static Map<String, String> of(RateLimiter.Decision d) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (d.requestLimit() != null) {
            headers.put("x-ratelimit-limit-requests", String.valueOf(d.requestLimit()));
            headers.put("x-ratelimit-remaining-requests", String.valueOf(d.requestsRemaining()));
            headers.put("x-ratelimit-reset-requests", duration(d.requestsResetMillis()));
        }
        if (d.tokenLimit() != null) {
            headers.put("x-ratelimit-limit-tokens", String.valueOf(d.tokenLimit()));
            headers.put("x-ratelimit-remaining-tokens", String.valueOf(d.tokensRemaining()));
            headers.put("x-ratelimit-reset-tokens", duration(d.tokensResetMillis()));
        }
        if (!d.allowed()) {
            headers.put("Retry-After", String.valueOf(Math.max(1, d.retryAfterSeconds())));
        }
        return headers;
    }

    /** OpenAI's duration notation: {@code 250ms}, {@code 12s}, {@code 6m0s}. */
    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = (millis + 999) / 1000;
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + seconds % 60 + "s";
    }
}
