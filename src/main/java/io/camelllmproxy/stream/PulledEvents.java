package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A {@link StreamParser} fed from a blocking stream: each part is what one or more reads complete, read only until
 * at least one event is whole, so no event waits for one that has not arrived. {@code InputStreamReader} cannot
 * stand in for the reads: it keeps reading while the stream reports bytes available, and HttpClient's chunked
 * stream reports the next chunk's framing as available, so it would block on the next token before handing over
 * the current one.
 */
final class PulledEvents {

    private final InputStream in;
    private final StreamParser parser;
    private final byte[] piece = new byte[8192];
    private boolean ended;
    /** A break found after events of the same read: thrown once those events are handed over. */
    private UpstreamProtocolException deferred;

    PulledEvents(InputStream in, StreamParser parser) {
        this.in = in;
        this.parser = parser;
    }

    /** True until the end has been read; never reads ahead. */
    boolean hasNext() {
        return !ended;
    }

    /** The next events, at least one unless the stream ended (then none). */
    List<String> next() {
        if (ended) {
            throw new NoSuchElementException();
        }
        List<String> events = new ArrayList<>(2);
        try {
            if (deferred != null) {
                throw deferred;
            }
            while (events.isEmpty()) {
                int read = in.read(piece, 0, piece.length);
                if (read < 0) {
                    ended = true;
                    parser.end();
                    return events;
                }
                try {
                    parser.feed(piece, 0, read, events);
                } catch (UpstreamProtocolException e) {
                    if (events.isEmpty()) {
                        throw e;
                    }
                    deferred = e;
                }
            }
            return events;
        } catch (IOException e) {
            ended = true;
            throw new UncheckedIOException(e);
        }
    }
}
