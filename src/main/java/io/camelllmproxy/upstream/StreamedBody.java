package io.camelllmproxy.upstream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A provider's streamed answer as the non-blocking upstream call hands it over: the body, paused until its
 * reader asks for data (so a slow client holds the provider back instead of filling memory), and the way to stop
 * it without reading the rest (the provider stops generating, and billing, when its connection goes).
 */
public final class StreamedBody {

    private final ReadStream<Buffer> stream;
    private final Runnable abort;
    private final AtomicBoolean aborted = new AtomicBoolean();

    public StreamedBody(ReadStream<Buffer> stream, Runnable abort) {
        this.stream = stream;
        this.abort = abort;
    }

    /** The body, paused: set its handlers, then {@code fetch} or {@code resume}. */
    public ReadStream<Buffer> stream() {
        return stream;
    }

    /** Closes the provider's connection without draining it; once, however often called. */
    public void abort() {
        if (aborted.compareAndSet(false, true)) {
            abort.run();
        }
    }

    public boolean isAborted() {
        return aborted.get();
    }
}
