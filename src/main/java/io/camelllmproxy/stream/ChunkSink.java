package io.camelllmproxy.stream;

import java.io.IOException;
import java.util.List;

/**
 * Where a stream's translated chunk payloads go: an HTTP client's SSE response ({@link StreamSession}) or an
 * in-JVM caller's iterator. {@link EventRelay} and {@link AbandonableEvents} serve both through this, so the
 * event reading, translation, key masking and usage charging are the same on either path.
 */
public interface ChunkSink {

    /** Takes the next payloads ({@code [DONE]} as the end marker), in order. */
    void sendAll(List<String> payloads) throws IOException;

    /** Whoever reads the stream has gone (client closed, iterator closed): nothing more is read or sent. */
    boolean isClientGone();

    /** Whether the reader takes more now; a sink that waits for its reader inside {@link #sendAll} always does. */
    default boolean isWritable() {
        return true;
    }
}
