package io.camelllmproxy.auth;

import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.events.RequestObserver;
import io.camelllmproxy.events.RequestRecord;
import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.http.RequestIds;
import io.camelllmproxy.usage.KeyBudgets;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the key of a request to one of the gateway's routes on the Vert.x event loop, before its body is read
 * or a worker thread is taken: {@code Authorization: Bearer <key>} or {@code x-api-key}. The scope it needs is
 * the serving route's ({@link Scopes#requiredBy}). It then applies the key's budget (chat only: 429
 * {@code budget_exceeded} once spent) and per-minute limits and stamps the {@code x-ratelimit-*} and
 * {@code x-llm-budget-remaining} headers on the answer. A chat request it refuses after authentication is told to
 * the observers (ledger, metrics) as a refused {@link RequestRecord}. When configured, a ContextForge JWT is
 * accepted in place of a key ({@link ContextForgeTokens}).
 */
public class AuthGate {

    /** The header that tells a budgeted key what it has left in its period, in USD. */
    public static final String BUDGET_REMAINING = "x-llm-budget-remaining";

    private final KeyRing keys;
    private final RateLimiter limiter;
    private final AdmissionControl admission;
    private final KeyUsage usage;
    private final ContextForgeTokens contextForge;
    private final KeyBudgets budgets;
    private final RequestObserver observer;

    public AuthGate(KeyRing keys, RateLimiter limiter, AdmissionControl admission, KeyUsage usage) {
        this(keys, limiter, admission, usage, null);
    }

    /** @param contextForge null when ContextForge tokens are not configured */
    public AuthGate(KeyRing keys, RateLimiter limiter, AdmissionControl admission, KeyUsage usage,
                    ContextForgeTokens contextForge) {
        this(keys, limiter, admission, usage, contextForge, null, null);
    }

    /**
     * @param budgets  null when no budget is kept
     * @param observer told of each chat request refused after authentication; null: nobody
     */
    public AuthGate(KeyRing keys, RateLimiter limiter, AdmissionControl admission, KeyUsage usage,
                    ContextForgeTokens contextForge, KeyBudgets budgets, RequestObserver observer) {
        this.keys = keys;
        this.limiter = limiter;
        this.admission = admission;
        this.usage = usage;
        this.contextForge = contextForge;
        this.budgets = budgets;
        this.observer = observer;
    }

    /** The check for a route whose requests need {@code scope}. */
    public Handler<RoutingContext> requiring(String scope) {
        return ctx -> check(ctx, scope);
    }

    private void check(RoutingContext ctx, String scope) {
        long started = System.nanoTime();
        String presented = presentedKey(ctx);
        if (presented == null) {
            reject(ctx, new OpenAiError(401, OpenAiError.INVALID_REQUEST, "invalid_api_key", null,
                    "No API key provided: send it as 'Authorization: Bearer <key>' or 'x-api-key'", null), Map.of());
            return;
        }
        ApiKeyIdentity gatewayKey = keys.authenticate(presented);
        ContextForgeTokens.Verdict verdict = gatewayKey == null && contextForge != null
                && ContextForgeTokens.looksLikeJwt(presented) ? contextForge.check(presented) : null;
        if (verdict != null && verdict.identity() == null) {
            reject(ctx, new OpenAiError(401, OpenAiError.INVALID_REQUEST, "invalid_api_key", null,
                    "ContextForge token refused: " + verdict.refusal(), null), Map.of());
            return;
        }
        ApiKeyIdentity identity = gatewayKey != null ? gatewayKey : verdict == null ? null : verdict.identity();
        if (identity == null) {
            reject(ctx, new OpenAiError(401, OpenAiError.INVALID_REQUEST, "invalid_api_key", null,
                    "Incorrect, revoked or expired API key", null), Map.of());
            return;
        }
        if (!identity.has(scope)) {
            reject(ctx, new OpenAiError(403, "permission_error", "insufficient_scope", null,
                    "This key lacks the '" + scope + "'" + (Scopes.ADMIN.equals(scope) ? "" : " (or 'admin')")
                            + " scope needed for " + ctx.normalizedPath(), null), Map.of());
            return;
        }
        if (gatewayKey != null) {
            usage.touch(gatewayKey);
        }
        if (budgets != null && identity.budgeted() && !Scopes.ADMIN.equals(scope) && !Scopes.METRICS.equals(scope)) {
            HttpServerResponse response = ctx.response();
            ctx.addHeadersEndHandler(v -> response.headers().set(BUDGET_REMAINING,
                    KeyBudgets.header(budgets.check(identity).remaining())));
            KeyBudgets.Verdict budget = Scopes.INVOKE.equals(scope) ? budgets.check(identity) : null;
            if (budget != null && !budget.allowed()) {
                OpenAiError error = budgetExceeded(identity, budget);
                refuse(ctx, identity, error, Map.of("Retry-After", String.valueOf(budget.retryAfterSeconds())), started);
                return;
            }
        }
        // a key's limits meter model use: a scrape or an admin call spends none of them
        if (identity.limited() && !Scopes.ADMIN.equals(scope) && !Scopes.METRICS.equals(scope)) {
            RateLimiter.Decision decision = limiter.admit(identity);
            if (!decision.allowed()) {
                OpenAiError error = new OpenAiError(429, "rate_limit_error", "rate_limit_exceeded", null,
                        "Rate limit reached for " + decision.deniedBy() + " per minute on key '" + identity.name()
                                + "'; retry after " + Math.max(1, decision.retryAfterSeconds()) + " s", null);
                if (Scopes.INVOKE.equals(scope)) {
                    refuse(ctx, identity, error, RateLimitHeaders.of(decision), started);
                } else {
                    reject(ctx, error, RateLimitHeaders.of(decision));
                }
                return;
            }
            HttpServerResponse response = ctx.response();
            // Our limits describe the client's key; they replace any the provider's answer carried.
            ctx.addHeadersEndHandler(v -> RateLimitHeaders.of(limiter.current(identity)).forEach(response.headers()::set));
        }
        AdmissionControl.RequestContext context = admission.context(ctx.response());
        if (context != null) {
            context.identity(identity);
        }
        ctx.next();
    }

    /**
     * The 429 of a key whose budget is spent: OpenAI's quota error type ({@code insufficient_quota}), our code, and
     * when the budget starts afresh.
     */
    public static OpenAiError budgetExceeded(ApiKeyIdentity identity, KeyBudgets.Verdict budget) {
        return new OpenAiError(429, "insufficient_quota", "budget_exceeded", null,
                "Budget of " + identity.maxBudgetUsd().stripTrailingZeros().toPlainString() + " USD per "
                        + identity.budgetPeriod().wireName() + " spent on key '" + identity.name()
                        + "'; it starts afresh in " + budget.retryAfterSeconds() + " s", null);
    }

    /** Answers a chat request refused after authentication, and tells the observers of it. */
    private void refuse(RoutingContext ctx, ApiKeyIdentity identity, OpenAiError error, Map<String, String> headers,
                        long started) {
        reject(ctx, error, headers);
        if (observer != null) {
            observer.finished(RequestRecord.refused(RequestIds.of(ctx), Instant.now().minusNanos(System.nanoTime() - started),
                    identity, RequestRecord.CHAT, error.status(), error.code(), System.nanoTime() - started));
        }
    }

    private static String presentedKey(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization != null && authorization.length() > 7
                && authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return authorization.substring(7).trim();
        }
        String apiKey = ctx.request().getHeader("x-api-key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    private static void reject(RoutingContext ctx, OpenAiError error, Map<String, String> headers) {
        RequestIds.of(ctx);
        HttpServerResponse response = ctx.response();
        response.setStatusCode(error.status()).putHeader("Content-Type", "application/json");
        if (error.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        headers.forEach(response::putHeader);
        response.end(Buffer.buffer(error.toBytes()));
    }
}
