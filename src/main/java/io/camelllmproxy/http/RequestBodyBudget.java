package io.camelllmproxy.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies the gateway may hold at once, across all requests. The per-request limit
 * alone lets a few dozen large bodies fill the heap together; this budget refuses the request that would
 * exceed it before any of its body is read. {@link AdmissionControl} reserves a body while it is received and
 * gives it back once the body is no longer held.
 */
public final class RequestBodyBudget {

    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    public RequestBodyBudget(long capacity) {
        this.capacity = capacity;
    }

    /** The budget when none is configured: an eighth of the heap, and never less than one largest body. */
    public static long defaultCapacity(long maxBodyBytes) {
        return Math.max(maxBodyBytes, Runtime.getRuntime().maxMemory() / 8);
    }

    public long capacity() {
        return capacity;
    }

    /** Reserves {@code bytes} if they fit; false leaves the budget unchanged. */
    public boolean tryReserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long current = reserved.get();
            if (current + bytes > capacity) {
                return false;
            }
            if (reserved.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        if (bytes > 0) {
            reserved.addAndGet(-bytes);
        }
    }

    /** Bytes reserved now (a read-only gauge, for tests and diagnostics). */
    public long reserved() {
        return reserved.get();
    }
}
