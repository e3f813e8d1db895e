package io.camelllmproxy.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** How long usage rows are kept: the route {@code llm-usage-retention} deletes rows that started before {@link #cutoff()}. */
public final class LedgerRetention {

    private final int days;
    private final Clock clock;

    /** @param days rows are kept this many days; 0 keeps them for ever */
    public LedgerRetention(int days, Clock clock) {
        if (days < 0) {
            throw new IllegalArgumentException("llm.usage.retention-days must be 0 (keep) or more, not " + days);
        }
        this.days = days;
        this.clock = clock;
    }

    /** The oldest start time kept, or null when rows are kept for ever. */
    public OffsetDateTime cutoff() {
        return days == 0 ? null : OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minus(Duration.ofDays(days));
    }
}
