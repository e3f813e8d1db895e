package io.camelllmproxy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.transform.Json;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * The usage of one request, taken where the answer passes (a completion's body, or the stream's chunk that
 * reports usage) and charged then to the key's tokens-per-minute bucket and, at the model's price, to its budget, so
 * the next request already sees both. The request's record ({@code RequestRecord}) reads it when the request is done.
 */
public final class UsageMeter {

    private final RateLimiter limiter;
    private final ApiKeyIdentity identity;
    private final KeyBudgets budgets;
    private volatile TokenUsage usage;
    private volatile String responseModel;
    private volatile ModelPrice price = ModelPrice.NONE;
    /** The cost of the usage reported last, charged to the key's budget already. */
    private BigDecimal cost = BigDecimal.ZERO;

    /** @param identity the caller's key, null without authentication (nothing is charged then) */
    public UsageMeter(RateLimiter limiter, ApiKeyIdentity identity) {
        this(limiter, identity, null);
    }

    /** @param budgets null when no budget is kept */
    public UsageMeter(RateLimiter limiter, ApiKeyIdentity identity, KeyBudgets budgets) {
        this.limiter = limiter;
        this.identity = identity;
        this.budgets = budgets;
    }

    /** The prices of the model that answers (a group's member may change between attempts). */
    public void price(ModelPrice price) {
        this.price = price == null ? ModelPrice.NONE : price;
    }

    /** A completion's body in the OpenAI shape. */
    public void fromBody(byte[] body) {
        try {
            record(Json.MAPPER.readTree(body));
        } catch (IOException e) {
            // an answer that is not JSON reports no usage
        }
    }

    /** An answer (a completion or a chunk) in the OpenAI shape. */
    public void record(JsonNode answer) {
        TokenUsage reported = TokenUsage.of(answer.get("usage"));
        if (reported == null) {
            return;
        }
        usage = reported;
        if (answer.path("model").isTextual()) {
            responseModel = answer.path("model").asText();
        }
        if (identity != null && limiter != null) {
            limiter.chargeTokens(identity, reported.total());
        }
        chargeCost(reported);
    }

    /** Charges the budget what this usage costs beyond what an earlier report of the same request was charged. */
    private void chargeCost(TokenUsage reported) {
        BigDecimal now = Cost.of(reported, price);
        BigDecimal delta;
        synchronized (this) {
            delta = now.subtract(cost);
            cost = now;
        }
        if (budgets != null) {
            budgets.charge(identity, delta);
        }
    }

    /** What the reported usage cost in USD at the model's price; zero without usage or price. */
    public synchronized BigDecimal cost() {
        return cost;
    }

    /** Whether the model that answered has a price. */
    public boolean priced() {
        return price.priced();
    }

    /** What the provider reported, or null when it reported nothing (yet). */
    public TokenUsage usage() {
        return usage;
    }

    /** The {@code model} the answer that reported usage named, or null. */
    public String responseModel() {
        return responseModel;
    }

    public ApiKeyIdentity identity() {
        return identity;
    }
}
