package io.camelllmproxy.stream;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pushed bytes of an NDJSON body to its lines: blank lines are skipped, a line beyond the size bound fails the
 * stream, and so does a last line without its newline: that is what a cut connection leaves, not a whole message.
 * A line is decoded once it is whole, so a character split between pieces is never decoded in halves.
 */
public final class NdjsonLineParser extends LineFramedParser {

    public NdjsonLineParser() {
        this(SseEventReader.DEFAULT_MAX_EVENT_BYTES);
    }

    /** {@code maxLineBytes}: the longest line, in bytes without its terminator, before the stream fails. */
    public NdjsonLineParser(int maxLineBytes) {
        super(maxLineBytes);
    }

    @Override
    void onLine(byte[] bytes, int from, int to, List<String> events) {
        String line = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        if (!line.isBlank()) {
            events.add(line);
        }
    }

    @Override
    boolean midEvent() {
        return false;
    }

    @Override
    String cutOffMessage() {
        return "ended its stream in the middle of a line (connection cut?)";
    }
}
