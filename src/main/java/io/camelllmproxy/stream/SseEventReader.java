package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Splits a Server-Sent Events body into the data of its events, as the WHATWG HTML standard's event stream
 * interpretation says: lines end with LF, CRLF or CR; {@code field:value} loses one space after the colon
 * ({@code data:x} and {@code data: x} are the same); the {@code data} lines of one event are joined with
 * {@code \n} and the event is dispatched at the blank line; a line starting with {@code :} is a comment; a
 * line without a colon is a field with an empty value; {@code event}, {@code id} and {@code retry} carry
 * nothing a chat chunk needs and are read past.
 * <p>
 * Unlike a browser, which drops an unfinished event at the end, this reader fails the stream (an
 * {@link UpstreamProtocolException}): a provider's event cut off by a broken connection must not be relayed as
 * if it were whole, nor silently lost. An event larger than the bound fails the stream too.
 * <p>
 * Each part it hands out is the next event, as soon as its blank line arrives, together with any further
 * events already received: a slow stream yields one event per part, a busy gateway fewer, larger parts
 * (fewer exchanges and fewer writes), and no event ever waits for one that has not arrived.
 */
public final class SseEventReader implements Iterator<List<String>> {

    /** Bound used where no configuration reaches (fixtures): 8 MiB, as llm.stream.max-event-bytes. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final LineReader reader;
    private final int maxEventBytes;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean pendingFields;
    private boolean firstLine = true;
    private boolean ended;

    public SseEventReader(InputStream body) {
        this(body, DEFAULT_MAX_EVENT_BYTES);
    }

    public SseEventReader(InputStream body, int maxEventBytes) {
        // a line holds at most one event's data plus its field name
        this.reader = new LineReader(body, maxEventBytes + 16);
        this.maxEventBytes = maxEventBytes;
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

    /** The next events' data, at least one unless the stream ended (then none). */
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
            ended = true;
            if (reader.endedMidLine() || pendingFields) {
                throw new UpstreamProtocolException("ended its stream in the middle of an event (connection cut?)");
            }
        } catch (IOException e) {
            ended = true;
            throw new UncheckedIOException(e);
        }
        return events;
    }

    private String onLine(String line) throws UpstreamProtocolException {
        if (firstLine) {
            firstLine = false;
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
        }
        if (line.isEmpty()) {
            pendingFields = false;
            return hasData ? take() : null;
        }
        if (line.charAt(0) == ':') {
            return null;
        }
        pendingFields = true;
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        if (field.equals("data")) {
            int valueStart = colon < 0 ? line.length()
                    : colon + 1 < line.length() && line.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
            if (hasData) {
                data.append('\n');
            }
            data.append(line, valueStart, line.length());
            hasData = true;
            if (data.length() > maxEventBytes) {
                throw new UpstreamProtocolException("sent a stream event larger than " + maxEventBytes
                        + " bytes (llm.stream.max-event-bytes)");
            }
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
