package io.camelllmproxy.auth;

import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.http.RequestIds;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;

/**
 * Checks the key of a request to one of the gateway's routes on the Vert.x event loop, before its body is read
 * or a worker thread is taken: {@code Authorization: Bearer <key>} or {@code x-api-key}. The scope it needs is
 * the serving route's ({@link Scopes#requiredBy}). It then applies the key's per-minute limits and stamps the
 * {@code x-ratelimit-*} headers on the answer. When configured, a ContextForge JWT is accepted in place of a
 * key ({@link ContextForgeTokens}).
 */
public class AuthGate {

    private final KeyRing keys;
    private final RateLimiter limiter;
    private final AdmissionControl admission;
    private final KeyUsage usage;
    private final ContextForgeTokens contextForge;

    public AuthGate(KeyRing keys, RateLimiter limiter, AdmissionControl admission, KeyUsage usage) {
        this(keys, limiter, admission, usage, null);
    }

    /** @param contextForge null when ContextForge tokens are not configured */
    public AuthGate(KeyRing keys, RateLimiter limiter, AdmissionControl admission, KeyUsage usage,
                    ContextForgeTokens contextForge) {
        this.keys = keys;
        this.limiter = limiter;
        this.admission = admission;
        this.usage = usage;
        this.contextForge = contextForge;
    }

    /** The check for a route whose requests need {@code scope}. */
    public Handler<RoutingContext> requiring(String scope) {
        return ctx -> check(ctx, scope);
    }

    private void check(RoutingContext ctx, String scope) {
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
        // a key's limits meter model use: a scrape or an admin call spends none of them
        if (identity.limited() && !Scopes.ADMIN.equals(scope) && !Scopes.METRICS.equals(scope)) {
            RateLimiter.Decision decision = limiter.admit(identity);
            if (!decision.allowed()) {
                reject(ctx, new OpenAiError(429, "rate_limit_error", "rate_limit_exceeded", null,
                        "Rate limit reached for " + decision.deniedBy() + " per minute on key '" + identity.name()
                                + "'; retry after " + Math.max(1, decision.retryAfterSeconds()) + " s", null),
                        RateLimitHeaders.of(decision));
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
