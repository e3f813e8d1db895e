package io.camelllmproxy.registry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Orders registry reloads. The timer's reload and the reload after an admin write can run at once; a stamp
 * taken before a reload reads the database lets each holder install only a snapshot newer than the one it
 * has, so a reload that read before a write committed can never undo the reload that read after it.
 */
public class SnapshotGenerations {

    private final AtomicLong last = new AtomicLong();

    /** A stamp for a reload about to read; later reads get larger stamps. */
    public long next() {
        return last.incrementAndGet();
    }
}
