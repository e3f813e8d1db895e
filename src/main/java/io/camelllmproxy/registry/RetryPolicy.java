package io.camelllmproxy.registry;

/**
 * How often one request may be sent to a provider ({@code attempts}, across the members of a group) and how long
 * the gateway may wait for a member's Retry-After before it gives the client the provider's answer instead.
 */
public record RetryPolicy(int attempts, long maxWaitMs) {

    /** A provider's own Retry-After waits longer than this are not waited for unless configured. */
    public static final long DEFAULT_MAX_WAIT_MS = 10_000;

    /** One call, no retry: what a plain model without {@code config.retry} gets. */
    public static final RetryPolicy NONE = new RetryPolicy(1, 0);

    public RetryPolicy {
        if (attempts < 1 || maxWaitMs < 0) {
            throw new IllegalArgumentException("attempts must be at least 1 and max_wait_ms not negative");
        }
    }
}
