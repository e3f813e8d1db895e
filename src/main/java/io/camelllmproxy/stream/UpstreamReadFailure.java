package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;

/** What a failed read of a provider's streamed body is reported as, so the client's error names it as the blocking reader's would. */
final class UpstreamReadFailure {

    private UpstreamReadFailure() {
    }

    static RuntimeException of(Throwable cause) {
        if (cause instanceof RuntimeException runtime && !cause.getClass().getName().startsWith("io.vertx")) {
            return runtime;
        }
        if (cause instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        String name = cause.getClass().getSimpleName();
        IOException io = name.contains("Timeout")
                ? new SocketTimeoutException("the provider sent nothing within the read timeout")
                : new IOException("the provider's connection failed mid-stream: " + cause.getMessage());
        io.initCause(cause);
        return new UncheckedIOException(io);
    }
}
