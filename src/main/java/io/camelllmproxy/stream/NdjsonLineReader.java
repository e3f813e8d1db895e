package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Splits an NDJSON body into its lines, each handed over as soon as its newline arrives. Like
 * {@link SseEventReader} it never reads ahead in {@code hasNext()}, and blank lines are skipped.
 */
public final class NdjsonLineReader implements Iterator<String> {

    private final LineReader reader;
    private boolean ended;

    public NdjsonLineReader(InputStream body) {
        this.reader = new LineReader(body);
    }

    @Override
    public boolean hasNext() {
        return !ended;
    }

    /** The next non-blank line; {@link SseEventReader#END} when the stream ended. */
    @Override
    public String next() {
        if (ended) {
            throw new NoSuchElementException();
        }
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    return line;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ended = true;
        return SseEventReader.END;
    }
}
