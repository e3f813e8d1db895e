package io.camelllmproxy.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.transform.Json;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * The usage of one request, taken where the answer passes (a completion's body, or the stream's chunk that
 * reports usage) and charged then to the key's tokens-per-minute bucket and, at the model's price, to its budget, so
 * the next request already sees both. The request's record ({@code RequestRecord}) reads it when the request is done.
 * Reports are running totals: each charges only what the ones before it did not.
 */
public final class UsageMeter {

    /** Reads the usage object in the middle of a body (the mapper's own check wants nothing after a value). */
    private static final ObjectReader USAGE_READER = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final RateLimiter limiter;
    private final ApiKeyIdentity identity;
    private final KeyBudgets budgets;
    private volatile TokenUsage usage;
    private volatile String responseModel;
    private volatile ModelPrice price = ModelPrice.NONE;
    /** The cost of the usage reported last, charged to the key's budget already. */
    private BigDecimal cost = BigDecimal.ZERO;
    // guarded by this: the tokens charged to the key so far for this answer
    private long charged;

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

    /**
     * A completion's body in the OpenAI shape. Only its top-level {@code usage} and {@code model} are read: the
     * rest (the answer's text) is skipped, not made into a tree, which costs every plain request a few times less
     * (a 20 kB answer: some 15 us instead of 130 us).
     */
    public void fromBody(byte[] body) {
        JsonNode reported = null;
        String model = null;
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(field)) {
                    reported = USAGE_READER.readTree(parser);
                } else if ("model".equals(field) && value == JsonToken.VALUE_STRING) {
                    model = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            // an answer that is not JSON reports no usage
            return;
        }
        record(TokenUsage.of(reported), model);
    }

    /** An answer (a completion or a chunk) in the OpenAI shape. */
    public void record(JsonNode answer) {
        record(TokenUsage.of(answer.get("usage")), answer.path("model").isTextual() ? answer.path("model").asText() : null);
    }

    private void record(TokenUsage reported, String model) {
        if (reported == null) {
            return;
        }
        usage = reported;
        if (model != null) {
            responseModel = model;
        }
        if (identity != null && limiter != null) {
            limiter.chargeTokens(identity, uncharged(reported.total()));
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

    /**
     * What of {@code total} is not charged yet. Usage is cumulative: a stream may report it on many chunks (vLLM's
     * {@code stream_options.continuous_usage_stats}, which a client may send), each with the running total, and
     * the answer costs its last total, not the sum of them.
     */
    private synchronized long uncharged(long total) {
        long more = total - charged;
        if (more <= 0) {
            return 0;
        }
        charged = total;
        return more;
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
