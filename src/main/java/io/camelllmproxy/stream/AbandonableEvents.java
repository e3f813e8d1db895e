package io.camelllmproxy.stream;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The upstream's events as the splitter (or an in-JVM caller's iterator) sees them, ending as soon as the
 * stream is abandoned: its reader left, a step failed, or reading failed. When a step fails, Camel's splitter
 * walks the rest of its iterator to release it; without this it would read on from an upstream that was just aborted (and log
 * the read failure as a warning with its stack trace) or, worse, drain one that was not.
 */
public final class AbandonableEvents implements Iterator<List<String>> {

    private final Iterator<List<String>> events;
    private final ChunkSink session;
    private volatile boolean abandoned;

    public AbandonableEvents(Iterator<List<String>> events, ChunkSink session) {
        this.events = events;
        this.session = session;
    }

    /** No event is read any more. */
    public void abandon() {
        abandoned = true;
    }

    @Override
    public boolean hasNext() {
        return !abandoned && !session.isClientGone() && events.hasNext();
    }

    @Override
    public List<String> next() {
        if (abandoned || session.isClientGone()) {
            throw new NoSuchElementException();
        }
        try {
            return events.next();
        } catch (RuntimeException e) {
            abandoned = true;
            throw e;
        }
    }
}
