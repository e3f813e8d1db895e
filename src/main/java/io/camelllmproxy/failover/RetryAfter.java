package io.camelllmproxy.failover;

import org.apache.camel.Message;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How long a provider asked to be left alone: {@code retry-after-ms} (OpenAI) or {@code x-ms-retry-after-ms}
 * (Azure) in milliseconds, else {@code Retry-After} in seconds or as an HTTP date (RFC 9110 section 10.2.3).
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** Milliseconds from now, or null when the answer names no wait (or one that cannot be read). */
    public static Long millis(Message message, Instant now) {
        Long ms = number(message.getHeader("retry-after-ms", String.class));
        if (ms == null) {
            ms = number(message.getHeader("x-ms-retry-after-ms", String.class));
        }
        if (ms != null) {
            return Math.max(0, ms);
        }
        return retryAfter(message.getHeader("Retry-After", String.class), now);
    }

    /** {@code Retry-After}: delay-seconds or an HTTP date; null when absent or unreadable. */
    static Long retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        try {
            return Math.max(0, (long) (Double.parseDouble(text) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, at.toEpochMilli() - now.toEpochMilli());
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static Long number(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return (long) Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whole seconds for a {@code Retry-After} header: rounded up, never 0 (0 would invite an instant retry). */
    public static String seconds(long millis) {
        return Long.toString(Math.max(1, (millis + 999) / 1000));
    }
}
