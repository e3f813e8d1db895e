package io.camelllmproxy.upstream;

import org.apache.camel.Message;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * How long a provider asked to be left alone: {@code retry-after-ms} (OpenAI) or {@code x-ms-retry-after-ms}
 * (Azure) in milliseconds, else {@code Retry-After} in seconds or as an HTTP date (RFC 9110 section 10.2.3).
 * Only plain decimal numbers are read (no exponents, infinities or signs), and a wait is capped at an hour: a
 * provider's odd header must not park a member, or a request, for ever.
 */
public final class RetryAfter {

    /** The longest wait believed: beyond it a header is more likely wrong than meant. */
    static final long MAX_MILLIS = 3_600_000;

    private static final Pattern NUMBER = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");

    private RetryAfter() {
    }

    /** Milliseconds from now, or null when the answer names no wait (or one that cannot be read). */
    public static Long millis(Message message, Instant now) {
        Long ms = number(message.getHeader("retry-after-ms", String.class), 1);
        if (ms == null) {
            ms = number(message.getHeader("x-ms-retry-after-ms", String.class), 1);
        }
        if (ms == null) {
            ms = retryAfter(message.getHeader("Retry-After", String.class), now);
        }
        return ms == null ? null : Math.min(MAX_MILLIS, ms);
    }

    /** {@code Retry-After}: delay-seconds or an HTTP date; null when absent or unreadable. */
    static Long retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Long seconds = number(value, 1000);
        if (seconds != null) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, at.toEpochMilli() - now.toEpochMilli());
        } catch (DateTimeParseException notDate) {
            return null;
        }
    }

    /** {@code value} times {@code scale}, rounded down, when it is a plain decimal number; else null. */
    private static Long number(String value, long scale) {
        if (value == null || !NUMBER.matcher(value.strip()).matches()) {
            return null;
        }
        return new java.math.BigDecimal(value.strip()).multiply(java.math.BigDecimal.valueOf(scale)).longValue();
    }

    /** Whole seconds for a {@code Retry-After} header: rounded up, never 0 (0 would invite an instant retry). */
    public static String seconds(long millis) {
        return Long.toString(Math.max(1, (millis + 999) / 1000));
    }
}
