package io.camelllmproxy.failover;

import io.camelllmproxy.registry.CooldownPolicy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cooldown, its half-open probe, Retry-After and the in-flight count of one member, on a clock the test moves. */
class MemberHealthTest {

    static final long SECOND = 1_000_000_000L;
    static final CooldownPolicy TWO_FOR_TEN = new CooldownPolicy(2, 10);

    @Test
    void consecutiveFailuresStartACooldownAndOneProbeEndsIt() {
        MemberHealth health = new MemberHealth();
        long now = 1_000 * SECOND;
        health.failed("m", TWO_FOR_TEN, null, now, false);
        assertTrue(health.take("m", now, true).now(), "one failure of two is not yet a cooldown");
        health.failed("m", TWO_FOR_TEN, null, now, false);
        MemberHealth.Availability out = health.take("m", now + SECOND, true);
        assertFalse(out.now());
        assertTrue(out.cooling());
        assertEquals(now + 10 * SECOND, out.returnsAtNanos());

        MemberHealth.Availability probe = health.take("m", now + 11 * SECOND, true);
        assertTrue(probe.now() && probe.probe(), "after the cooldown one request probes");
        assertFalse(health.take("m", now + 11 * SECOND, true).now(), "only one probe at a time");
        health.succeeded("m");
        MemberHealth.Availability back = health.take("m", now + 11 * SECOND, true);
        assertTrue(back.now() && !back.probe(), "a successful probe brings the member back");
    }

    @Test
    void aFailedProbeStartsAnotherCooldown() {
        MemberHealth health = new MemberHealth();
        long now = 5 * SECOND;
        health.failed("m", TWO_FOR_TEN, null, now, false);
        health.failed("m", TWO_FOR_TEN, null, now, false);
        long later = now + 10 * SECOND;
        assertTrue(health.take("m", later, true).probe());
        health.failed("m", TWO_FOR_TEN, null, later, true);
        assertFalse(health.take("m", later + 9 * SECOND, true).now());
        assertTrue(health.take("m", later + 10 * SECOND, true).probe());
    }

    @Test
    void anotherRequestsFailureLeavesTheProbeHeld() {
        MemberHealth health = new MemberHealth();
        health.failed("m", new CooldownPolicy(1, 0), null, 0, false);
        assertTrue(health.take("m", 1, true).probe());
        health.failed("m", new CooldownPolicy(1, 0), null, 1, false);
        assertFalse(health.take("m", 2, true).now(), "still one probe at a time");
    }

    @Test
    void anAbandonedProbeGoesBack() {
        MemberHealth health = new MemberHealth();
        health.failed("m", new CooldownPolicy(1, 0), null, 0, false);
        assertTrue(health.take("m", 1, true).probe());
        health.abandoned("m", true);
        assertTrue(health.take("m", 1, true).probe(), "the next request may probe");
    }

    @Test
    void retryAfterKeepsTheMemberOutWithoutACooldown() {
        MemberHealth health = new MemberHealth();
        health.failed("m", TWO_FOR_TEN, 3_000L, 0, false);
        MemberHealth.Availability out = health.take("m", SECOND, true);
        assertFalse(out.now());
        assertFalse(out.cooling(), "waiting out a Retry-After is not a cooldown");
        assertEquals(3 * SECOND, out.returnsAtNanos());
        assertTrue(health.take("m", 3 * SECOND, true).now());
    }

    @Test
    void aCallerThatIgnoresCooldownStillHonoursRetryAfterOnly() {
        MemberHealth health = new MemberHealth();
        health.failed("m", new CooldownPolicy(1, 60), null, 0, false);
        assertTrue(health.take("m", SECOND, false).now());
    }

    @Test
    void inFlightCountsStartedCalls() {
        MemberHealth health = new MemberHealth();
        health.started("m");
        health.started("m");
        health.finished("m");
        assertEquals(1, health.inFlight("m"));
        assertEquals(0, health.inFlight("other"));
    }
}
