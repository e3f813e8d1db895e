package io.camelllmproxy.stream;

import io.camelllmproxy.transform.StreamFraming;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * Turns a provider's streamed body, pushed in pieces as they arrive, into its events: for SSE the joined data of
 * each event, for NDJSON each line. It never blocks and never waits for more bytes, so it can run on an event
 * loop; a piece may end anywhere (inside a line, between a CR and its LF, inside a UTF-8 character), and the
 * events are the same however the body is cut into pieces.
 * <p>
 * A break of the framing (a line or an event over the size bound, bytes cut off by the end) is an
 * {@link UpstreamProtocolException}, thrown once the bytes that break it have arrived; the events completed
 * before it are already in the caller's list, so nothing that arrived whole is lost. A parser that threw
 * throws the same exception on every later call. Not thread-safe: one parser per stream, fed from one thread
 * at a time.
 */
public interface StreamParser {

    /** The parser for a provider's framing, with the bound of {@code llm.stream.max-event-bytes}. */
    static StreamParser of(StreamFraming framing, int maxEventBytes) {
        return framing == StreamFraming.NDJSON ? new NdjsonLineParser(maxEventBytes) : new SseEventParser(maxEventBytes);
    }

    /** Adds to {@code events} the events these bytes complete, in order. */
    void feed(Buffer bytes, List<String> events) throws UpstreamProtocolException;

    /** Adds to {@code events} the events {@code bytes[offset, offset + length)} complete, in order. */
    void feed(byte[] bytes, int offset, int length, List<String> events) throws UpstreamProtocolException;

    /**
     * The body ended. It completes no event (an event is whole only once its terminator has arrived), so this
     * either returns or throws: bytes after the last complete event mean the body was cut. Calling it again
     * does the same; feeding after it is an {@link IllegalStateException}.
     */
    void end() throws UpstreamProtocolException;
}
