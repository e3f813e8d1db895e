package io.camelllmproxy.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/** The period a key's budget runs over, in UTC: it starts afresh at each period's start. */
public enum BudgetPeriod {
    DAY, MONTH;

    /** The names the admin API and the database use. */
    public static final java.util.List<String> NAMES = java.util.List.of("day", "month");

    /** The period named {@code name} ({@code day} or {@code month}), or null for null or an unknown name. */
    public static BudgetPeriod of(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "day" -> DAY;
            case "month" -> MONTH;
            default -> null;
        };
    }

    /** The start of the period {@code at} falls in. */
    public Instant start(Instant at) {
        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
        return (this == DAY ? day : day.withDayOfMonth(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The end of the period {@code at} falls in: the next period's start. */
    public Instant end(Instant at) {
        LocalDate start = start(at).atOffset(ZoneOffset.UTC).toLocalDate();
        return (this == DAY ? start.plusDays(1) : start.plusMonths(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
