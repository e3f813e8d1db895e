package io.camelllmproxy.upstream;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every way a provider says how long to wait, as RFC 9110, OpenAI and Azure spell it. */
class RetryAfterTest {

    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    static final DefaultCamelContext CONTEXT = new DefaultCamelContext();

    static {
        // a started context gives messages Camel's case-insensitive headers, as on a real exchange
        CONTEXT.start();
    }

    static Long millis(String... headers) {
        DefaultMessage message = new DefaultMessage(CONTEXT);
        for (int i = 0; i < headers.length; i += 2) {
            message.setHeader(headers[i], headers[i + 1]);
        }
        return RetryAfter.millis(message, NOW);
    }

    @Test
    void secondsDatesAndMilliseconds() {
        assertEquals(20_000L, millis("Retry-After", "20"));
        assertEquals(1_500L, millis("retry-after", "1.5"));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
        assertEquals(90_000L, millis("Retry-After", date));
        assertEquals(0L, millis("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.minusSeconds(5).atOffset(ZoneOffset.UTC))));
        assertEquals(250L, millis("retry-after-ms", "250"));
        assertEquals(700L, millis("x-ms-retry-after-ms", "700"));
    }

    @Test
    void millisecondHeadersWinOverSeconds() {
        assertEquals(250L, millis("Retry-After", "1", "retry-after-ms", "250"));
    }

    @Test
    void absentOrUnreadableIsNoWait() {
        assertNull(millis());
        assertNull(millis("Retry-After", "soon"));
        assertNull(millis("retry-after-ms", ""));
        for (String odd : new String[] {"Infinity", "NaN", "1e30", "-5", "0x10", "+3"}) {
            assertNull(millis("Retry-After", odd), odd);
            assertNull(millis("retry-after-ms", odd), odd);
        }
    }

    @Test
    void aWaitIsBelievedUpToAnHour() {
        assertEquals(RetryAfter.MAX_MILLIS, millis("Retry-After", "999999999999"));
        assertEquals(RetryAfter.MAX_MILLIS, millis("retry-after-ms", "86400000"));
    }

    @Test
    void secondsForTheClientRoundUpAndAreNeverZero() {
        assertEquals("1", RetryAfter.seconds(0));
        assertEquals("1", RetryAfter.seconds(1));
        assertEquals("2", RetryAfter.seconds(1001));
        assertEquals("30", RetryAfter.seconds(30_000));
    }
}
