package io.camelllmproxy.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Pushed bytes of a Server-Sent Events body to the data of its events, as the WHATWG HTML standard's event stream
 * interpretation says: lines end with LF, CRLF or CR; a leading byte order mark is dropped; {@code field:value}
 * loses one space after the colon ({@code data:x} and {@code data: x} are the same); the {@code data} lines of one
 * event are joined with {@code \n} and the event is dispatched at the blank line; a line starting with {@code :} is
 * a comment; a line without a colon is a field with an empty value; {@code event}, {@code id} and {@code retry}
 * carry nothing a chat chunk needs and are read past.
 * <p>
 * Unlike a browser, which drops an unfinished event at the end, an event cut off by the end fails the stream
 * (an {@link UpstreamProtocolException}): a provider's event cut off by a broken connection must not be relayed as
 * if it were whole, nor silently lost. So does an event whose data is larger than the bound.
 * <p>
 * An event's data is held as bytes and decoded once it is whole, so a character split between pieces is never
 * decoded in halves.
 */
public final class SseEventParser extends LineFramedParser {

    /** Field names and the {@code data:} prefix cost a line more than its value. */
    private static final int FIELD_NAME_ALLOWANCE = 16;
    /** A data buffer grown past this for a large event is let go after it, not kept for the rest of the stream. */
    private static final int KEPT_CAPACITY = 64 * 1024;
    private static final byte[] LINE_FEED = {'\n'};

    private final int maxEventBytes;
    private byte[] data = new byte[0];
    private int dataLength;
    private boolean hasData;
    /** A field line has come since the last blank line: the event is open even if it carries no data. */
    private boolean pendingFields;
    private boolean firstLine = true;

    public SseEventParser() {
        this(SseEventReader.DEFAULT_MAX_EVENT_BYTES);
    }

    /** {@code maxEventBytes}: the largest event data, in UTF-8 bytes, before the stream fails. */
    public SseEventParser(int maxEventBytes) {
        super(maxEventBytes + FIELD_NAME_ALLOWANCE);
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    void onLine(byte[] line, int from, int to, List<String> events) throws UpstreamProtocolException {
        if (firstLine) {
            firstLine = false;
            if (to - from >= 3 && line[from] == (byte) 0xEF && line[from + 1] == (byte) 0xBB && line[from + 2] == (byte) 0xBF) {
                from += 3;
            }
        }
        if (from == to) {
            pendingFields = false;
            if (hasData) {
                events.add(new String(data, 0, dataLength, StandardCharsets.UTF_8));
                hasData = false;
                dataLength = 0;
                if (data.length > KEPT_CAPACITY) {
                    data = new byte[0];
                }
            }
            return;
        }
        if (line[from] == ':') {
            return;
        }
        pendingFields = true;
        int colon = indexOf(line, from, to, (byte) ':');
        int fieldEnd = colon < 0 ? to : colon;
        if (fieldEnd - from != 4 || line[from] != 'd' || line[from + 1] != 'a' || line[from + 2] != 't' || line[from + 3] != 'a') {
            return;
        }
        int valueStart = colon < 0 ? to : colon + 1 < to && line[colon + 1] == ' ' ? colon + 2 : colon + 1;
        if (hasData) {
            append(LINE_FEED, 0, 1);
        }
        append(line, valueStart, to);
        hasData = true;
    }

    @Override
    boolean midEvent() {
        return pendingFields;
    }

    @Override
    String cutOffMessage() {
        return "ended its stream in the middle of an event (connection cut?)";
    }

    private void append(byte[] bytes, int from, int to) throws UpstreamProtocolException {
        int length = to - from;
        if ((long) dataLength + length > maxEventBytes) {
            throw new UpstreamProtocolException("sent a stream event larger than " + maxEventBytes
                    + " bytes (llm.stream.max-event-bytes)");
        }
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.min(Math.max(data.length * 2, Math.max(dataLength + length, 256)), maxEventBytes));
        }
        System.arraycopy(bytes, from, data, dataLength, length);
        dataLength += length;
    }

    private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
