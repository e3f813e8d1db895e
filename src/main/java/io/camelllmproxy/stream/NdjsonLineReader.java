package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Splits an NDJSON body into its lines, each handed over as soon as its newline arrives, together with the
 * further lines already received. Like {@link SseEventReader} it never reads ahead in {@code hasNext()},
 * blank lines are skipped, a line beyond the size bound fails the stream, and so does a last line without
 * its newline: that is what a cut connection leaves, not a whole message.
 */
public final class NdjsonLineReader implements Iterator<List<String>> {

    private final LineReader reader;
    private boolean ended;

    public NdjsonLineReader(InputStream body) {
        this(body, SseEventReader.DEFAULT_MAX_EVENT_BYTES);
    }

    public NdjsonLineReader(InputStream body, int maxLineBytes) {
        this.reader = new LineReader(body, maxLineBytes);
    }

    @Override
    public boolean hasNext() {
        return !ended;
    }

    /** The next lines, at least one unless the stream ended (then none). */
    @Override
    public List<String> next() {
        if (ended) {
            throw new NoSuchElementException();
        }
        List<String> lines = new ArrayList<>(2);
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line);
                    while ((line = reader.bufferedLine()) != null) {
                        if (!line.isBlank()) {
                            lines.add(line);
                        }
                    }
                    return lines;
                }
            }
            ended = true;
            if (reader.endedMidLine()) {
                throw new UpstreamProtocolException("ended its stream in the middle of a line (connection cut?)");
            }
        } catch (IOException e) {
            ended = true;
            throw new UncheckedIOException(e);
        }
        return lines;
    }
}
