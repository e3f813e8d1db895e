package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Splits a Server-Sent Events body into the data of its events, per the HTML living standard: the
 * {@code data:} lines of one event are joined with newlines and the event ends at the blank line; comments,
 * {@code event:}, {@code id:} and {@code retry:} lines carry nothing a chat chunk needs.
 * <p>
 * Each part it hands out is the next event, as soon as its blank line arrives, together with any further
 * events already received: a slow stream yields one event per part, a busy gateway fewer, larger parts
 * (fewer exchanges and fewer writes), and no event ever waits for one that has not arrived.
 */
public final class SseEventReader implements Iterator<List<String>> {

    private final LineReader reader;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean ended;

    public SseEventReader(InputStream body) {
        this.reader = new LineReader(body);
    }

    /**
     * True until the end of the stream has been read. It never reads ahead: Camel's splitter asks
     * {@code hasNext()} right after taking a part, and a blocking look-ahead there would hold every
     * event back until the next one arrived.
     */
    @Override
    public boolean hasNext() {
        return !ended;
    }

    /** The next events' data, at least one unless the stream ended (then possibly none). */
    @Override
    public List<String> next() {
        if (ended) {
            throw new NoSuchElementException();
        }
        List<String> events = new ArrayList<>(2);
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                String event = onLine(line);
                if (event != null) {
                    events.add(event);
                    while ((line = reader.bufferedLine()) != null) {
                        event = onLine(line);
                        if (event != null) {
                            events.add(event);
                        }
                    }
                    return events;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ended = true;
        if (hasData) {
            events.add(take());
        }
        return events;
    }

    private String onLine(String line) {
        if (line.isEmpty()) {
            return hasData ? take() : null;
        }
        if (line.startsWith("data:")) {
            int start = line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5;
            if (hasData) {
                data.append('\n');
            }
            data.append(line, start, line.length());
            hasData = true;
        }
        return null;
    }

    private String take() {
        String event = data.toString();
        data.setLength(0);
        hasData = false;
        return event;
    }
}
