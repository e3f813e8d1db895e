package io.camelllmproxy.upstream.stream;

import io.vertx.core.impl.ContextInternal;

import java.util.concurrent.TimeUnit;

/**
 * The read timeout of one call: the provider is given up on once it sent nothing for the read timeout while the
 * gateway wanted its bytes (waiting for the head, or a reader that asked for more). A reader that holds the body
 * back (a slow client) does not count against the provider. One timer per call, re-armed for the time left when it
 * fires, so a busy stream costs no timer per chunk.
 */
final class IdleWatch {

    private final ContextInternal context;
    private final long timeoutMillis;
    private final long timeoutNanos;
    private final Runnable onIdle;
    private volatile long since = System.nanoTime();
    private volatile boolean waiting;
    private volatile boolean stopped;
    private volatile long timer = -1;

    /** {@code onIdle} runs on {@code context} once, when the provider stayed silent too long. */
    IdleWatch(ContextInternal context, long timeoutMillis, Runnable onIdle) {
        this.context = context;
        this.timeoutMillis = Math.max(1, timeoutMillis);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(this.timeoutMillis);
        this.onIdle = onIdle;
    }

    /** Starts watching, the gateway waiting for the provider. */
    void start() {
        waiting(true);
        arm(timeoutMillis);
    }

    /** Bytes arrived. */
    void activity() {
        since = System.nanoTime();
    }

    /** Whether the gateway wants bytes now; the silence counts from the moment it starts wanting them. */
    void waiting(boolean wanted) {
        if (wanted && !waiting) {
            since = System.nanoTime();
        }
        waiting = wanted;
    }

    /** The call is over: no timeout any more. */
    void stop() {
        stopped = true;
        long id = timer;
        if (id >= 0) {
            context.owner().cancelTimer(id);
        }
    }

    private void arm(long delayMillis) {
        if (!stopped) {
            timer = context.setTimer(Math.max(1, delayMillis), id -> check());
        }
    }

    private void check() {
        if (stopped) {
            return;
        }
        long silent = System.nanoTime() - since;
        if (!waiting || silent < timeoutNanos) {
            arm(waiting ? TimeUnit.NANOSECONDS.toMillis(timeoutNanos - silent) + 1 : timeoutMillis);
            return;
        }
        stopped = true;
        onIdle.run();
    }
}
