package io.camelllmproxy.stream;

import java.io.InputStream;
import java.util.Iterator;
import java.util.List;

/**
 * Reads an NDJSON body from a blocking stream into its lines, as {@link NdjsonLineParser} splits them, each handed
 * over as soon as its newline arrives, together with the further lines already received. Like
 * {@link SseEventReader} it never reads ahead in {@code hasNext()}.
 */
public final class NdjsonLineReader implements Iterator<List<String>> {

    private final PulledEvents lines;

    public NdjsonLineReader(InputStream body) {
        this(body, SseEventReader.DEFAULT_MAX_EVENT_BYTES);
    }

    public NdjsonLineReader(InputStream body, int maxLineBytes) {
        this.lines = new PulledEvents(body, new NdjsonLineParser(maxLineBytes));
    }

    @Override
    public boolean hasNext() {
        return lines.hasNext();
    }

    /** The next lines, at least one unless the stream ended (then none). */
    @Override
    public List<String> next() {
        return lines.next();
    }
}
