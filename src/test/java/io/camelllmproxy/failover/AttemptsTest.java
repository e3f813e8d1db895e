package io.camelllmproxy.failover;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.CooldownPolicy;
import io.camelllmproxy.registry.GroupMember;
import io.camelllmproxy.registry.GroupStrategy;
import io.camelllmproxy.registry.ModelGroup;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.registry.RetryPolicy;
import io.camelllmproxy.upstream.ProviderStatusException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One request's way through a group, on a clock the test moves: the member chosen, waits, and what is thrown. */
class AttemptsTest {

    static final long MS = 1_000_000L;

    static GroupMember member(String provider, String type, String credentialError) {
        ModelTarget target = new ModelTarget(provider + "-row", "m", "M", null, 0, true, provider + "-id", provider, type,
                "http://127.0.0.1:1/v1", null, null, null, null, true, "sk-" + provider, credentialError);
        return new GroupMember(target.modelRowId(), provider, "m", 1, target);
    }

    /** A fallback group whose members cool down only after many failures (the tests that want one make it). */
    static ModelGroup group(RetryPolicy retry, GroupMember... members) {
        return new ModelGroup("g-id", "g", GroupStrategy.FALLBACK, List.of(members), retry, new CooldownPolicy(100, 30), null, 0);
    }

    static ProviderStatusException status(int code, Long retryAfterMs) {
        return new ProviderStatusException(OpenAiError.of(code, OpenAiError.UPSTREAM_ERROR, "x", "status " + code), code,
                retryAfterMs);
    }

    static void fail(Attempts attempts, RuntimeException failure, long now) {
        attempts.failed(failure, FailoverRules.judge(failure, "p"), true, true, now);
    }

    @Test
    void membersThatCannotBeCalledAreSkippedUnlessTheyAreAllThereIs() {
        MemberHealth health = new MemberHealth();
        GroupMember unreadable = member("locked", "openai", "bad padding");
        GroupMember unsupported = member("bedrock", "bedrock", null);
        GroupMember fine = member("fine", "openai", null);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(3, 0), unreadable, unsupported, fine), health);
        assertSame(fine, attempts.choose(0, false));
        Attempts only = Attempts.forGroup(group(new RetryPolicy(3, 0), unreadable), health);
        assertSame(unreadable, only.choose(0, false), "chosen, so its 500 tells the client why");
    }

    @Test
    void aRateLimitedMemberIsWaitedForWhenNothingElseIsFreeAndTheWaitFits() {
        MemberHealth health = new MemberHealth();
        GroupMember only = member("a", "openai", null);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(3, 2_000), only), health);
        attempts.choose(0, false);
        fail(attempts, status(429, 1_500L), 0);
        assertSame(only, attempts.choose(10 * MS, false));
        assertEquals(1_490, attempts.waitMs());
        assertEquals(1, attempts.calls(), "calls made so far: the member is called once the wait is over");
    }

    @Test
    void theOnlyMemberLeftIsCalledAgainAfterABackoffWithinMaxWait() {
        MemberHealth health = new MemberHealth();
        GroupMember only = member("a", "openai", null);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(4, 1_200), only), health);
        attempts.choose(0, false);
        fail(attempts, status(500, null), 0);
        assertSame(only, attempts.choose(0, false));
        assertEquals(500, attempts.waitMs());
        fail(attempts, status(500, null), 0);
        attempts.choose(0, false);
        assertEquals(700, attempts.waitMs(), "1,000 ms doubled, cut to what max_wait_ms leaves");
        fail(attempts, status(500, null), 0);
        attempts.choose(0, false);
        assertEquals(0, attempts.waitMs(), "the wait is spent: called at once");
    }

    @Test
    void aWaitBeyondMaxWaitGivesTheLastProviderAnswer() {
        MemberHealth health = new MemberHealth();
        GroupMember only = member("a", "openai", null);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(3, 1_000), only), health);
        attempts.choose(0, false);
        ProviderStatusException limited = status(429, 30_000L);
        fail(attempts, limited, 0);
        assertSame(limited, assertThrows(ProviderStatusException.class, () -> attempts.choose(MS, false)));
        assertEquals("a/m", attempts.headers().get("x-llm-deployment"));
        assertEquals("1", attempts.headers().get("x-llm-attempts"));
    }

    @Test
    void noCallPossibleIs503NoHealthyDeploymentWithTheEarliestReturn() {
        MemberHealth health = new MemberHealth();
        GroupMember a = member("a", "openai", null);
        health.failed(a.modelRowId(), new CooldownPolicy(1, 30), null, 0, false);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(3, 1_000), a), health);
        GatewayException out = assertThrows(GatewayException.class, () -> attempts.choose(10_000 * MS, false));
        assertEquals("no_healthy_deployment", out.error().code());
        assertEquals("20", out.error().headers().get("retry-after"));
        assertEquals(Map.of("x-llm-attempts", "0"), attempts.headers());
    }

    @Test
    void aMemberWhoseTransformerRefusesIsSkippedWithoutACall() {
        MemberHealth health = new MemberHealth();
        GroupMember a = member("a", "anthropic", null);
        GroupMember b = member("b", "openai", null);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(1, 0), a, b), health);
        assertSame(a, attempts.choose(0, false));
        GatewayException refusal = GatewayException.badRequest("unsupported_parameter", "logprobs", "no logprobs");
        attempts.failed(refusal, FailoverRules.judge(refusal, "a"), false, true, 0);
        assertSame(b, attempts.choose(0, false), "the next member, although attempts is 1: nothing was sent");
        assertEquals(0, attempts.calls());
        assertEquals(List.of("a/m: refused (unsupported_parameter)"), attempts.left());
        attempts.succeeded();
        assertEquals(Map.of("x-llm-attempts", "1", "x-llm-deployment", "b/m"), attempts.headers());
    }

    @Test
    void theHeartbeatHeadCountsTheCallInFlight() {
        MemberHealth health = new MemberHealth();
        GroupMember a = member("a", "openai", null);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(2, 0), a), health);
        attempts.choose(0, false);
        assertEquals(Map.of("x-llm-attempts", "1", "x-llm-deployment", "a/m"), attempts.headHeaders());
        assertEquals(Map.of("x-llm-attempts", "0"), attempts.headers(), "no member has answered yet");
    }

    @Test
    void onceTheHeadIsOutNoOtherMemberIsTried() {
        MemberHealth health = new MemberHealth();
        GroupMember a = member("a", "openai", null);
        GroupMember b = member("b", "openai", null);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(2, 0), a, b), health);
        attempts.choose(0, false);
        ProviderStatusException overloaded = status(503, null);
        fail(attempts, overloaded, 0);
        assertSame(overloaded, assertThrows(ProviderStatusException.class, () -> attempts.choose(0, true)));
        assertEquals(0, health.inFlight(b.modelRowId()), "b was never called");
        assertEquals(List.of("a/m: HTTP 503"), attempts.left());
    }

    @Test
    void theLastAttemptsFailureGoesToTheClientAndAClientErrorAtOnce() {
        MemberHealth health = new MemberHealth();
        GroupMember a = member("a", "openai", null);
        GroupMember b = member("b", "openai", null);
        Attempts attempts = Attempts.forGroup(group(new RetryPolicy(2, 0), a, b), health);
        attempts.choose(0, false);
        fail(attempts, status(500, null), 0);
        assertSame(b, attempts.choose(0, false));
        ProviderStatusException last = status(502, null);
        assertSame(last, assertThrows(ProviderStatusException.class, () -> fail(attempts, last, 0)));
        assertEquals(List.of("a/m: HTTP 500", "b/m: HTTP 502"), attempts.left());
        assertEquals(0, health.inFlight(a.modelRowId()) + health.inFlight(b.modelRowId()), "no call left in flight");

        MemberHealth fresh = new MemberHealth();
        Attempts refused = Attempts.forGroup(group(new RetryPolicy(2, 0), a, b), fresh);
        refused.choose(0, false);
        ProviderStatusException badRequest = status(400, null);
        assertSame(badRequest, assertThrows(ProviderStatusException.class, () -> fail(refused, badRequest, 0)));
        assertEquals(Map.of("x-llm-attempts", "1", "x-llm-deployment", "a/m"), refused.headers());
        assertEquals(List.of(), refused.left(), "a client error leaves no member");
    }
}
