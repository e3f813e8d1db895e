package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a failed read of a provider's streamed body is reported as: the I/O failure the non-blocking client raised
 * (a read timeout, a reset, a protocol break), unchecked as the blocking reader reports it, so the client's error
 * event names it the same way whichever client read the stream.
 */
final class UpstreamReadFailure {

    private UpstreamReadFailure() {
    }

    static RuntimeException of(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return new UncheckedIOException(io);
            }
        }
        if (cause instanceof RuntimeException runtime && !cause.getClass().getName().startsWith("io.vertx")) {
            return runtime;
        }
        return new UncheckedIOException(new IOException("the provider's connection failed mid-stream", cause));
    }
}
