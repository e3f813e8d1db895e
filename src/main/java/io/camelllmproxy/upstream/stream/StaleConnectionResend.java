package io.camelllmproxy.upstream.stream;

import io.vertx.core.http.HttpClosedException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * {@link io.camelllmproxy.upstream.StaleConnectionRetry}'s rule for the streaming client: a call is sent once more,
 * on a new connection, when a pooled connection turns out to have been closed by the provider while it sat idle.
 * Only when the failure proves the provider cannot have processed the request: on a connection that had carried
 * an earlier request, the connection closed or reset with no response head, while the request was being written or
 * within the window after it was written. Never after a timeout, a refused connect, a TLS failure, or when the
 * client left; at most once.
 */
final class StaleConnectionResend {

    /** A request not yet fully written. */
    static final long NOT_WRITTEN = Long.MIN_VALUE;

    private final long windowNanos;

    StaleConnectionResend(long windowMillis) {
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, windowMillis));
    }

    /**
     * Whether a first attempt that failed with {@code failure} before any response head may be sent again.
     *
     * @param reused    whether its connection had carried an earlier request
     * @param writtenAt when the request was fully written (System.nanoTime), or {@link #NOT_WRITTEN}
     * @param failedAt  when the failure was seen
     */
    boolean applies(Throwable failure, boolean reused, long writtenAt, long failedAt) {
        if (!reused || !closedOrReset(failure)) {
            return false;
        }
        return writtenAt == NOT_WRITTEN || failedAt - writtenAt <= windowNanos;
    }

    private static boolean closedOrReset(Throwable failure) {
        if (failure instanceof HttpClosedException) {
            return true;
        }
        return failure instanceof IOException && !(failure instanceof ConnectException)
                && !(failure instanceof SocketTimeoutException) && !(failure instanceof SSLException);
    }
}
