package io.camelllmproxy.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key requests and tokens per minute, as token buckets that refill continuously (a key with a limit
 * of 60 gets one request back every second, not 60 at the top of each minute). Tokens are charged when a
 * provider reports usage, so a bucket may go below zero and then blocks until it refills.
 * Limits hold per gateway instance.
 */
public class RateLimiter {

    /** The outcome of one admission, with what the {@code x-ratelimit-*} headers report. */
    public record Decision(boolean allowed, String deniedBy, Integer requestLimit, long requestsRemaining,
                           long requestsResetMillis, Integer tokenLimit, long tokensRemaining, long tokensResetMillis,
                           long retryAfterSeconds) {
    }

    private static final class Bucket {
        private final double capacity;
        private double level;
        private long lastNanos = System.nanoTime();

        Bucket(double capacity) {
            this.capacity = capacity;
            this.level = capacity;
        }

        void refill() {
            long now = System.nanoTime();
            level = Math.min(capacity, level + (now - lastNanos) * capacity / 60e9);
            lastNanos = now;
        }

        long millisUntil(double target) {
            return level >= target ? 0 : (long) Math.ceil((target - level) * 60_000 / capacity);
        }
    }

    private static final class Buckets {
        Bucket requests;
        Bucket tokens;
    }

    private final Map<String, Buckets> byKey = new ConcurrentHashMap<>();

    public Decision admit(ApiKeyIdentity identity) {
        Buckets b = buckets(identity);
        synchronized (b) {
            refill(b);
            boolean requestsOut = b.requests != null && b.requests.level < 1;
            boolean tokensOut = b.tokens != null && b.tokens.level < 1;
            String deniedBy = requestsOut ? "requests" : tokensOut ? "tokens" : null;
            if (deniedBy == null && b.requests != null) {
                b.requests.level -= 1;
            }
            long retry = 0;
            if (requestsOut) {
                retry = Math.max(retry, b.requests.millisUntil(1));
            }
            if (tokensOut) {
                retry = Math.max(retry, b.tokens.millisUntil(1));
            }
            return decision(identity, b, deniedBy, (retry + 999) / 1000);
        }
    }

    /** The current state, for the headers of an answer that is already under way. */
    public Decision current(ApiKeyIdentity identity) {
        Buckets b = buckets(identity);
        synchronized (b) {
            refill(b);
            return decision(identity, b, null, 0);
        }
    }

    public void chargeTokens(ApiKeyIdentity identity, long tokens) {
        if (identity.tpmLimit() == null || tokens <= 0) {
            return;
        }
        Buckets b = buckets(identity);
        synchronized (b) {
            refill(b);
            b.tokens.level -= tokens;
        }
    }

    private Buckets buckets(ApiKeyIdentity identity) {
        Buckets b = byKey.computeIfAbsent(identity.keyId(), k -> new Buckets());
        synchronized (b) {
            // limits can change while a key lives; a changed limit starts a full bucket
            if (identity.rpmLimit() == null) {
                b.requests = null;
            } else if (b.requests == null || b.requests.capacity != identity.rpmLimit()) {
                b.requests = new Bucket(identity.rpmLimit());
            }
            if (identity.tpmLimit() == null) {
                b.tokens = null;
            } else if (b.tokens == null || b.tokens.capacity != identity.tpmLimit()) {
                b.tokens = new Bucket(identity.tpmLimit());
            }
        }
        return b;
    }

    private static void refill(Buckets b) {
        if (b.requests != null) {
            b.requests.refill();
        }
        if (b.tokens != null) {
            b.tokens.refill();
        }
    }

    private static Decision decision(ApiKeyIdentity identity, Buckets b, String deniedBy, long retryAfterSeconds) {
        return new Decision(deniedBy == null, deniedBy,
                identity.rpmLimit(), b.requests == null ? 0 : Math.max(0, (long) Math.floor(b.requests.level)),
                b.requests == null ? 0 : b.requests.millisUntil(b.requests.capacity),
                identity.tpmLimit(), b.tokens == null ? 0 : Math.max(0, (long) Math.floor(b.tokens.level)),
                b.tokens == null ? 0 : b.tokens.millisUntil(b.tokens.capacity),
                retryAfterSeconds);
    }
}
