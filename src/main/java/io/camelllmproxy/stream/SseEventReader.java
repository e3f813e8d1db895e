package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Splits a Server-Sent Events body into the data of its events, per the HTML living standard: the
 * {@code data:} lines of one event are joined with newlines and the event ends at the blank line.
 * Each event is handed over the moment its blank line arrives; comments, {@code event:}, {@code id:} and
 * {@code retry:} lines carry nothing a chat chunk needs.
 */
public final class SseEventReader implements Iterator<String> {

    /** Handed out once when the stream ends between events; relays skip it. */
    public static final String END = "";

    private final LineReader reader;
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

    /** The next event's data; {@link #END} when the stream ended without a further event. */
    @Override
    public String next() {
        if (ended) {
            throw new NoSuchElementException();
        }
        String event = readEvent();
        return event == null ? END : event;
    }

    private String readEvent() {
        StringBuilder data = null;
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return data.toString();
                    }
                } else if (line.startsWith("data:")) {
                    int start = line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5;
                    if (data == null) {
                        data = new StringBuilder(line.length());
                    } else {
                        data.append('\n');
                    }
                    data.append(line, start, line.length());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ended = true;
        return data == null ? null : data.toString();
    }
}
