package io.camelllmproxy.failover;

import io.camelllmproxy.registry.CooldownPolicy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this instance knows of each deployment (a registry model: provider + {@code model_id}, keyed by its row id),
 * shared by every group it is in: requests in flight, consecutive failures, the cooldown they earned and the
 * Retry-After it asked for. After a cooldown one request probes the member (half-open): its success brings the member
 * back, its failure starts another cooldown. State lives in memory: a restart forgets it, as a cooldown should.
 */
public final class MemberHealth {

    /**
     * Whether a member may be called now ({@code probe}: as its half-open probe), else when it returns, in
     * {@link System#nanoTime()} terms, and whether a cooldown (not merely a Retry-After) keeps it out.
     */
    public record Availability(boolean now, boolean probe, long returnsAtNanos, boolean cooling) {
    }

    private final ConcurrentMap<String, Member> members = new ConcurrentHashMap<>();

    /** Requests in flight to the member on this instance (least-busy reads it). */
    public int inFlight(String memberKey) {
        Member m = members.get(memberKey);
        return m == null ? 0 : m.inFlight.get();
    }

    /**
     * Whether the member may be called at {@code nowNanos}. A member whose cooldown is over is callable by one
     * request at a time until that probe's outcome is known: {@code probe} true means the caller took that turn.
     */
    public Availability take(String memberKey, long nowNanos, boolean honourCooldown) {
        Member m = member(memberKey);
        synchronized (m) {
            if (m.retryAfterUntil != 0 && nowNanos - m.retryAfterUntil < 0) {
                return new Availability(false, false, m.retryAfterUntil, m.cooldownUntil != 0 && m.cooldownUntil - m.retryAfterUntil > 0);
            }
            if (!honourCooldown || m.cooldownUntil == 0) {
                return new Availability(true, false, 0, false);
            }
            if (nowNanos - m.cooldownUntil < 0) {
                return new Availability(false, false, m.cooldownUntil, true);
            }
            if (m.probing) {
                // another request is probing; this one may try again when that probe could have failed
                return new Availability(false, false, nowNanos + 1_000_000_000L, true);
            }
            m.probing = true;
            return new Availability(true, true, 0, false);
        }
    }

    /** A call starts: counted in flight until {@link #finished}. */
    public void started(String memberKey) {
        member(memberKey).inFlight.incrementAndGet();
    }

    public void finished(String memberKey) {
        member(memberKey).inFlight.decrementAndGet();
    }

    /** The member answered (or refused the client's request, which proves it up): failures and cooldown are over. */
    public void succeeded(String memberKey) {
        Member m = member(memberKey);
        synchronized (m) {
            m.failures = 0;
            m.cooldownUntil = 0;
            m.probing = false;
        }
    }

    /** A call left without a verdict on the member (the client left): a probe it held goes back. */
    public void abandoned(String memberKey, boolean probe) {
        if (probe) {
            Member m = member(memberKey);
            synchronized (m) {
                m.probing = false;
            }
        }
    }

    /**
     * The member failed ({@code wasProbe}: the call was its half-open probe): a failed probe, or the
     * {@code cooldown.failures}-th failure in a row, takes it out for
     * {@code cooldown.seconds}; a Retry-After keeps it out at least that long. {@code cooldown} null: no cooldown.
     */
    public void failed(String memberKey, CooldownPolicy cooldown, Long retryAfterMillis, long nowNanos, boolean wasProbe) {
        Member m = member(memberKey);
        synchronized (m) {
            m.failures++;
            if (wasProbe) {
                // only the probe's own outcome ends the half-open turn; another request's failure leaves it held
                m.probing = false;
            }
            if (cooldown != null && (wasProbe || m.failures >= cooldown.failures())) {
                m.cooldownUntil = nonZero(nowNanos + cooldown.seconds() * 1_000_000_000L);
            }
            if (retryAfterMillis != null && retryAfterMillis > 0) {
                m.retryAfterUntil = nonZero(nowNanos + retryAfterMillis * 1_000_000L);
            }
        }
    }

    private static long nonZero(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }

    private Member member(String key) {
        return members.computeIfAbsent(key, k -> new Member());
    }

    private static final class Member {
        final AtomicInteger inFlight = new AtomicInteger();
        int failures;
        long cooldownUntil;
        long retryAfterUntil;
        boolean probing;
    }
}
