package io.camelllmproxy.failover;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.CooldownPolicy;
import io.camelllmproxy.registry.GroupMember;
import io.camelllmproxy.registry.ModelGroup;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.registry.RetryPolicy;
import io.camelllmproxy.transform.WireSchema;
import io.camelllmproxy.upstream.ProviderStatusException;
import io.camelllmproxy.upstream.RetryAfter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One request's way through a model group (or through a model whose provider config asks for retries): the members
 * in the order the strategy gave, the provider calls made, the member now called, and why each member left was
 * left. The route's loop asks {@link #again()}; the steps of {@link FailoverSteps} move it on. One exchange uses it
 * at a time; only the heartbeat reads {@link #headHeaders()} from the event loop meanwhile.
 */
public final class Attempts {

    /** The first wait before calling a member again that failed without naming a wait; it doubles per call. */
    static final long BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 8_000;

    private final MemberHealth health;
    private final String groupName;
    private final List<GroupMember> order;
    private final RetryPolicy retry;
    private final CooldownPolicy cooldown;
    private final Long firstTokenTimeoutMs;
    private final List<String> left = new ArrayList<>();
    /** Members whose transformer refused this request (a field their schema cannot take): not chosen again. */
    private final Set<GroupMember> refused = new HashSet<>();
    private volatile int calls;
    private volatile GroupMember current;
    private volatile GroupMember answered;
    private boolean probe;
    private boolean inFlight;
    private int next;
    private long waitMs;
    private long waitedMs;
    private boolean again = true;
    private RuntimeException lastFailure;
    private GroupMember lastFailed;
    private Long lastRetryAfter;

    private Attempts(MemberHealth health, String groupName, List<GroupMember> order, RetryPolicy retry,
                     CooldownPolicy cooldown, Long firstTokenTimeoutMs) {
        this.health = health;
        this.groupName = groupName;
        this.order = order;
        this.retry = retry;
        this.cooldown = cooldown;
        this.firstTokenTimeoutMs = firstTokenTimeoutMs;
    }

    /** A request for {@code group}, its members in the order the group's strategy gives now. */
    public static Attempts forGroup(ModelGroup group, MemberHealth health) {
        List<GroupMember> servable = group.servableMembers();
        // a member whose stored key does not decrypt, or of a type no transformer speaks, cannot be called: it
        // answers (500, 501) only when it is all there is
        List<GroupMember> callable = servable.stream().filter(m -> m.target().credentialError() == null
                && m.target().wireSchema() != WireSchema.UNSUPPORTED).toList();
        List<GroupMember> order = MemberOrder.of(group.strategy(), callable.isEmpty() ? servable : callable,
                m -> health.inFlight(m.modelRowId()));
        return new Attempts(health, group.name(), order, group.retry(), group.cooldown(), group.firstTokenTimeoutMs());
    }

    /** A request for one model whose provider's {@code config.retry} allows more than one call; no cooldown. */
    public static Attempts forModel(ModelTarget target, RetryPolicy retry, MemberHealth health) {
        GroupMember only = new GroupMember(target.modelRowId(), target.providerName(), target.modelId(), 1, target);
        return new Attempts(health, null, List.of(only), retry, null, null);
    }

    /** A request for a group that cannot be served at all (no enabled member): no call, only the headers. */
    public static Attempts none(String groupName, MemberHealth health) {
        Attempts attempts = new Attempts(health, groupName, List.of(), RetryPolicy.NONE, null, null);
        attempts.again = false;
        return attempts;
    }

    /** Whether the route's loop goes round (once more): true until a member answered or the failure was thrown. */
    public boolean again() {
        return again;
    }

    /** The name the client asked for when it is a group, else null. */
    public String groupName() {
        return groupName;
    }

    /** What the client asked for, as the request's log line names it. */
    String describe() {
        return groupName != null ? "model group '" + groupName + "'" : "model '" + order.get(0).deployment() + "'";
    }

    /** Provider calls made (the {@code x-llm-attempts} header). */
    public int calls() {
        return calls;
    }

    /** The member whose answer (or error) the client got, or null when none did. */
    public GroupMember deployment() {
        return answered;
    }

    /** How long a stream waits for its first event before the member is left; null: the read timeout decides. */
    public Long firstTokenTimeoutMs() {
        return firstTokenTimeoutMs;
    }

    /** Milliseconds to wait before calling {@link #current()} (a Retry-After nothing else could go round). */
    public long waitMs() {
        return waitMs;
    }

    public GroupMember current() {
        return current;
    }

    /** Whether a member failed this request already (so that calling another is a failover). */
    boolean failedBefore() {
        return lastFailure != null;
    }

    /** "member: why it was left" for each member left, in order. */
    public synchronized List<String> left() {
        return List.copyOf(left);
    }

    /** The headers every answer of a group carries (README, "Model groups and failover"). */
    public Map<String, String> headers() {
        return headers(calls, answered);
    }

    /**
     * The headers of a stream head the heartbeat sends before any member's first event: the call in flight counts,
     * and its member is the one the client will hear from (no failover once the head is out).
     */
    public Map<String, String> headHeaders() {
        GroupMember calling = current;
        GroupMember member = answered != null ? answered : calling;
        return headers(calls + (answered == null && calling != null ? 1 : 0), member);
    }

    private static Map<String, String> headers(int calls, GroupMember member) {
        return member == null ? Map.of("x-llm-attempts", Integer.toString(calls))
                : Map.of("x-llm-attempts", Integer.toString(calls), "x-llm-deployment", member.deployment());
    }

    /**
     * Picks the member to call next: the first in order (after the one that just failed) that is not cooling down,
     * waiting out a Retry-After or refusing this request; a member whose cooldown ended is taken as its one probe.
     * When none is free, the member whose Retry-After ends first is waited for if that fits in {@code max_wait_ms};
     * else the client gets the last failure, or 503 {@code no_healthy_deployment} when there was none. Once a
     * stream's head is out ({@code headSent}) nobody else is tried.
     */
    GroupMember choose(long nowNanos, boolean headSent) {
        waitMs = 0;
        if (headSent && lastFailure != null) {
            throw giveUp();
        }
        if (groupName == null) {
            return chooseOnly();
        }
        long earliest = Long.MAX_VALUE;
        GroupMember waitFor = null;
        long waitForAt = Long.MAX_VALUE;
        for (int i = 0; i < order.size(); i++) {
            int index = (next + i) % order.size();
            GroupMember m = order.get(index);
            if (refused.contains(m)) {
                continue;
            }
            MemberHealth.Availability a = health.take(m.modelRowId(), nowNanos, cooldown != null);
            if (a.now()) {
                next = index + 1;
                if (m == lastFailed) {
                    // the member that just failed is all there is: not again at once
                    waitMs = Math.min(backoffMs(), Math.max(0, retry.maxWaitMs() - waitedMs));
                    waitedMs += waitMs;
                }
                return call(m, a.probe());
            }
            earliest = Math.min(earliest, a.returnsAtNanos());
            if (!a.cooling() && a.returnsAtNanos() - waitForAt < 0) {
                waitFor = m;
                waitForAt = a.returnsAtNanos();
            }
        }
        if (waitFor != null) {
            long ms = Math.max(1, (waitForAt - nowNanos + 999_999) / 1_000_000);
            if (ms <= retry.maxWaitMs() - waitedMs) {
                waitMs = ms;
                waitedMs += ms;
                next = order.indexOf(waitFor) + 1;
                return call(waitFor, false);
            }
        }
        if (lastFailure != null) {
            throw giveUp();
        }
        throw noHealthyDeployment(earliest == Long.MAX_VALUE ? 1000 : (earliest - nowNanos) / 1_000_000);
    }

    private GroupMember chooseOnly() {
        if (lastFailure != null) {
            long left = retry.maxWaitMs() - waitedMs;
            if (refused.contains(order.get(0)) || lastRetryAfter != null && lastRetryAfter > left) {
                throw giveUp();
            }
            waitMs = lastRetryAfter != null ? lastRetryAfter : Math.min(backoffMs(), Math.max(0, left));
            waitedMs += waitMs;
        }
        return call(order.get(0), false);
    }

    /** The wait before calling the member that failed last again, when it named none: 0.5 s, doubling, up to 8 s. */
    private long backoffMs() {
        if (lastRetryAfter != null) {
            return 0;
        }
        return Math.min(MAX_BACKOFF_MS, BACKOFF_MS << Math.min(4, Math.max(0, calls - 1)));
    }

    private GroupMember call(GroupMember member, boolean asProbe) {
        current = member;
        probe = asProbe;
        health.started(member.modelRowId());
        inFlight = true;
        return member;
    }

    /** The current member answered (a 2xx, read; a stream's first event): the loop ends and the member is proven up. */
    void succeeded() {
        calls++;
        again = false;
        answered = current;
        health.succeeded(current.modelRowId());
        probe = false;
    }

    /**
     * The current member failed with {@code failure}, judged {@code verdict}; {@code sent}: the provider was called
     * (else the member's transformer refused the request, and nothing went out). Throws the failure on unless another
     * member or attempt may mend it and {@code mayRetry} (nothing has reached the client). The member's health learns
     * of it either way.
     */
    void failed(RuntimeException failure, FailoverRules.Verdict verdict, boolean sent, boolean mayRetry, long nowNanos) {
        GroupMember member = current;
        endCall();
        current = null;
        if (!sent) {
            health.abandoned(member.modelRowId(), probe);
            probe = false;
            if (!(failure instanceof GatewayException refusal)) {
                again = false;
                throw failure;
            }
            // this member's schema cannot take the request; another member's may
            refused.add(member);
            leave(member, "refused (" + refusal.error().code() + ")");
            lastFailure = failure;
            lastFailed = null;
            lastRetryAfter = null;
            if (!mayRetry || refused.size() >= order.size()) {
                throw giveUp();
            }
            return;
        }
        calls++;
        if (!verdict.retryable()) {
            if (failure instanceof ProviderStatusException status && status.providerStatus() < 500) {
                // refusing the client's request proves the member up
                health.succeeded(member.modelRowId());
            } else {
                health.abandoned(member.modelRowId(), probe);
            }
            probe = false;
            lastFailure = failure;
            lastFailed = member;
            throw giveUp();
        }
        health.failed(member.modelRowId(), cooldown, verdict.retryAfterMillis(), nowNanos, probe);
        probe = false;
        leave(member, verdict.reason());
        lastFailure = failure;
        lastFailed = member;
        lastRetryAfter = verdict.retryAfterMillis();
        if (calls >= retry.attempts() || !mayRetry) {
            throw giveUp();
        }
    }

    /**
     * Ends the loop with the last failure, for the client: the member chosen but not called is let go, and the
     * member whose answer it was becomes the deployment the client heard from.
     */
    RuntimeException giveUp() {
        again = false;
        if (current != null) {
            endCall();
            health.abandoned(current.modelRowId(), probe);
            probe = false;
            current = null;
        }
        if (lastFailure instanceof ProviderStatusException) {
            answered = lastFailed;
        }
        return lastFailure;
    }

    /** The request is over: its call no longer counts as in flight, and a probe it never judged goes back. */
    void release() {
        GroupMember member = answered != null ? answered : current;
        if (member != null) {
            endCall(member);
            health.abandoned(member.modelRowId(), probe);
            probe = false;
        }
    }

    private synchronized void leave(GroupMember member, String why) {
        left.add(member.deployment() + ": " + why);
    }

    private void endCall() {
        endCall(current);
    }

    private void endCall(GroupMember member) {
        if (inFlight && member != null) {
            health.finished(member.modelRowId());
            inFlight = false;
        }
    }

    private GatewayException noHealthyDeployment(long returnsInMs) {
        again = false;
        return new GatewayException(new OpenAiError(503, OpenAiError.SERVER_ERROR, "no_healthy_deployment", "model",
                "Every deployment of model group '" + groupName + "' is cooling down or rate-limited; retry after "
                        + RetryAfter.seconds(returnsInMs) + " s",
                Map.of("retry-after", RetryAfter.seconds(returnsInMs))));
    }
}
