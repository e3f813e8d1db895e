package io.camelllmproxy.failover;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.CooldownPolicy;
import io.camelllmproxy.registry.GroupMember;
import io.camelllmproxy.registry.ModelGroup;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.registry.RetryPolicy;
import io.camelllmproxy.upstream.ProviderStatusException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One request's way through a model group (or through a model whose provider config asks for retries): the members
 * in the order the strategy gave, the calls made, the member now called, and why each member left was left. The
 * route's loop asks {@link #again()}; the steps of {@link FailoverSteps} move it on.
 */
public final class Attempts {

    private final String groupName;
    private final List<GroupMember> order;
    private final RetryPolicy retry;
    private final CooldownPolicy cooldown;
    private final Long firstTokenTimeoutMs;
    private final List<String> left = new ArrayList<>();
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

    private Attempts(String groupName, List<GroupMember> order, RetryPolicy retry, CooldownPolicy cooldown,
                     Long firstTokenTimeoutMs) {
        this.groupName = groupName;
        this.order = order;
        this.retry = retry;
        this.cooldown = cooldown;
        this.firstTokenTimeoutMs = firstTokenTimeoutMs;
    }

    /** A request for {@code group}, its members in the order the group's strategy gives now. */
    public static Attempts forGroup(ModelGroup group, MemberHealth health) {
        List<GroupMember> servable = group.servableMembers();
        // a member whose stored key does not decrypt cannot be called; it answers (500) only when it is all there is
        List<GroupMember> callable = servable.stream().filter(m -> m.target().credentialError() == null).toList();
        List<GroupMember> order = MemberOrder.of(group.strategy(), callable.isEmpty() ? servable : callable,
                m -> health.inFlight(m.modelRowId()));
        return new Attempts(group.name(), order, group.retry(), group.cooldown(), group.firstTokenTimeoutMs());
    }

    /** A request for one model whose provider's {@code config.retry} allows more than one call; no cooldown. */
    public static Attempts forModel(ModelTarget target, RetryPolicy retry) {
        GroupMember only = new GroupMember(target.modelRowId(), target.providerName(), target.modelId(), 1, target);
        return new Attempts(null, List.of(only), retry, null, null);
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

    /** Provider calls made so far (the {@code x-llm-attempts} header). */
    public int calls() {
        return calls;
    }

    /** The member whose answer the client gets (or now waits on), or null before one was called. */
    public GroupMember deployment() {
        GroupMember a = answered;
        return a != null ? a : current;
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

    /** "member: why it was left" for each member a call failed on, in order. */
    public synchronized List<String> left() {
        return List.copyOf(left);
    }

    /** The headers every answer of a group carries (README, "Model groups"). */
    public Map<String, String> headers() {
        GroupMember member = deployment();
        return member == null ? Map.of("x-llm-attempts", Integer.toString(calls))
                : Map.of("x-llm-attempts", Integer.toString(calls), "x-llm-deployment", member.deployment());
    }

    /**
     * Picks the member to call next: the first in order (after the one that just failed) that is not cooling down
     * or waiting out a Retry-After; a member whose cooldown ended is taken as its one probe. When none is free, the
     * member whose Retry-After ends first is waited for if that fits in {@code max_wait_ms}; else the client gets
     * the last provider's failure, or 503 {@code no_healthy_deployment} when no call was made.
     */
    GroupMember choose(MemberHealth health, long nowNanos) {
        waitMs = 0;
        if (groupName == null) {
            return chooseOnly(nowNanos);
        }
        long earliest = Long.MAX_VALUE;
        GroupMember waitFor = null;
        long waitForAt = Long.MAX_VALUE;
        for (int i = 0; i < order.size(); i++) {
            int index = (next + i) % order.size();
            GroupMember m = order.get(index);
            MemberHealth.Availability a = health.take(m.modelRowId(), nowNanos, cooldown != null);
            if (a.now()) {
                next = index + 1;
                return call(health, m, a.probe());
            }
            earliest = Math.min(earliest, a.returnsAtNanos());
            if (!a.cooling() && a.returnsAtNanos() - waitForAt < 0) {
                waitFor = m;
                waitForAt = a.returnsAtNanos();
            }
        }
        if (waitFor != null) {
            long ms = Math.max(1, (waitForAt - nowNanos + 999_999) / 1_000_000);
            if (waitedMs + ms <= retry.maxWaitMs()) {
                waitMs = ms;
                waitedMs += ms;
                next = order.indexOf(waitFor) + 1;
                return call(health, waitFor, false);
            }
        }
        if (lastFailure != null) {
            throw answeredBy(lastFailed, lastFailure);
        }
        throw noHealthyDeployment(earliest == Long.MAX_VALUE ? 1000 : (earliest - nowNanos) / 1_000_000);
    }

    private GroupMember chooseOnly(long nowNanos) {
        if (lastFailure != null) {
            long ms = lastRetryAfter == null ? 0 : lastRetryAfter;
            if (waitedMs + ms > retry.maxWaitMs()) {
                throw answeredBy(lastFailed, lastFailure);
            }
            waitMs = ms;
            waitedMs += ms;
        }
        return call(null, order.get(0), false);
    }

    private GroupMember call(MemberHealth health, GroupMember member, boolean asProbe) {
        current = member;
        probe = asProbe;
        calls++;
        if (health != null) {
            health.started(member.modelRowId());
            inFlight = true;
        }
        return member;
    }

    /** The current member answered: the loop ends and the member is proven up. */
    void succeeded(MemberHealth health) {
        again = false;
        answered = current;
        health.succeeded(current.modelRowId());
        probe = false;
    }

    /**
     * The current member failed with {@code failure}, judged {@code verdict}: throws it on unless another attempt may
     * mend it and {@code mayRetry} (nothing has reached the client yet). The member's health learns of it either way.
     */
    void failed(MemberHealth health, RuntimeException failure, FailoverRules.Verdict verdict, boolean mayRetry,
                long nowNanos) {
        GroupMember member = current;
        endCall(health);
        if (!verdict.retryable()) {
            if ("client gone".equals(verdict.reason())) {
                health.abandoned(member.modelRowId(), probe);
            } else {
                // refusing the client's request proves the member up
                health.succeeded(member.modelRowId());
            }
            probe = false;
            again = false;
            throw answeredBy(member, failure);
        }
        health.failed(member.modelRowId(), cooldown, verdict.retryAfterMillis(), nowNanos);
        probe = false;
        synchronized (this) {
            left.add(member.deployment() + ": " + verdict.reason());
        }
        lastFailure = failure;
        lastFailed = member;
        lastRetryAfter = verdict.retryAfterMillis();
        current = null;
        if (calls >= retry.attempts() || !mayRetry) {
            again = false;
            throw answeredBy(member, failure);
        }
    }

    /** {@code failure}, noting {@code member} as the deployment whose answer the client gets when it is the provider's. */
    private RuntimeException answeredBy(GroupMember member, RuntimeException failure) {
        again = false;
        if (failure instanceof ProviderStatusException) {
            answered = member;
        }
        return failure;
    }

    /** The request is over: its call no longer counts as in flight, and a probe it never judged goes back. */
    void release(MemberHealth health) {
        GroupMember member = answered != null ? answered : current;
        if (member != null) {
            endCall(health);
            health.abandoned(member.modelRowId(), probe);
            probe = false;
        }
    }

    private void endCall(MemberHealth health) {
        if (inFlight && health != null) {
            GroupMember member = answered != null ? answered : current;
            health.finished(member.modelRowId());
            inFlight = false;
        }
    }

    private GatewayException noHealthyDeployment(long returnsInMs) {
        return new GatewayException(new OpenAiError(503, OpenAiError.SERVER_ERROR, "no_healthy_deployment", "model",
                "Every deployment of model group '" + groupName + "' is cooling down or rate-limited; retry after "
                        + RetryAfter.seconds(returnsInMs) + " s",
                Map.of("retry-after", RetryAfter.seconds(returnsInMs))));
    }
}
