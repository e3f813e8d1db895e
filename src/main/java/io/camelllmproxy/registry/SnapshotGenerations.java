package io.camelllmproxy.registry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Orders registry reloads. The timer's reload and the reload after an admin write can run at once; a stamp
 * taken before a reload reads the database lets each holder install only a snapshot newer than the one it
 * has, so a reload that read before a write committed can never undo the reload that read after it.
 */
public class SnapshotGenerations {

    /** The stamp of a snapshot installed whatever was installed before (start-up, tests); it orders nothing. */
    public static final long UNORDERED = Long.MAX_VALUE;

    private final AtomicLong last = new AtomicLong();

    /** A stamp for a reload about to read; later reads get larger stamps. */
    public long next() {
        return last.incrementAndGet();
    }

    /**
     * What one holder (model index, key ring, credential health) has installed. Each holder owns one, so the
     * check and the install happen under one lock: two reloads cannot both pass the check and then install in the
     * wrong order.
     */
    public static final class Installed {

        private long generation = -1;

        /**
         * Runs {@code install} unless a snapshot read after {@code generation} is already installed; returns
         * whether it ran. {@link #UNORDERED} always installs and leaves the order as it was.
         */
        public synchronized boolean installIfCurrent(long generation, Runnable install) {
            if (generation != UNORDERED) {
                if (generation < this.generation) {
                    return false;
                }
                this.generation = generation;
            }
            install.run();
            return true;
        }
    }
}
