package io.camelllmproxy.stream;

import org.apache.hc.core5.http.io.EofSensorInputStream;

import java.io.IOException;
import java.io.InputStream;

/** Ends a provider's answer early, for an HTTP client and an in-JVM caller alike. */
final class UpstreamAbort {

    private UpstreamAbort() {
    }

    /** Drops the provider's connection without reading the rest (closing would drain it, and pay for it). */
    static void abort(InputStream body) {
        if (body == null) {
            return;
        }
        try {
            if (body instanceof EofSensorInputStream eof) {
                eof.abort();
            } else {
                body.close();
            }
        } catch (IOException e) {
            // the connection is discarded either way
        }
    }
}
