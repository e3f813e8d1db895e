package io.camelllmproxy.stream;

import java.io.InputStream;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a Server-Sent Events body from a blocking stream into the data of its events, as {@link SseEventParser}
 * parses them; a break of the framing is an {@link java.io.UncheckedIOException} around the
 * {@link UpstreamProtocolException}, after the events that came whole before it.
 * <p>
 * Each part it hands out is the next event, as soon as its blank line arrives, together with any further
 * events already received: a slow stream yields one event per part, a busy gateway fewer, larger parts
 * (fewer exchanges and fewer writes), and no event ever waits for one that has not arrived.
 */
public final class SseEventReader implements Iterator<List<String>> {

    /** Bound used where no configuration reaches (fixtures): 8 MiB, as llm.stream.max-event-bytes. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final PulledEvents events;

    public SseEventReader(InputStream body) {
        this(body, DEFAULT_MAX_EVENT_BYTES);
    }

    public SseEventReader(InputStream body, int maxEventBytes) {
        this.events = new PulledEvents(body, new SseEventParser(maxEventBytes));
    }

    /**
     * True until the end of the stream has been read. It never reads ahead: Camel's splitter asks
     * {@code hasNext()} right after taking a part, and a blocking look-ahead there would hold every
     * event back until the next one arrived.
     */
    @Override
    public boolean hasNext() {
        return events.hasNext();
    }

    /** The next events' data, at least one unless the stream ended (then none). */
    @Override
    public List<String> next() {
        return events.next();
    }
}
