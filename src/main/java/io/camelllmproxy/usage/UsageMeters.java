package io.camelllmproxy.usage;

import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import org.apache.camel.Exchange;

/** Hands each request its one {@link UsageMeter}, kept on the exchange. */
public final class UsageMeters {

    private final RateLimiter limiter;
    private final KeyBudgets budgets;

    public UsageMeters(RateLimiter limiter) {
        this(limiter, null);
    }

    /** @param budgets null when no budget is kept */
    public UsageMeters(RateLimiter limiter, KeyBudgets budgets) {
        this.limiter = limiter;
        this.budgets = budgets;
    }

    /** The request's meter, made on first use for the caller's key, priced as the model about to answer. */
    public UsageMeter of(Exchange exchange) {
        UsageMeter meter = exchange.getVariable(ExchangeKeys.USAGE_METER, UsageMeter.class);
        if (meter == null) {
            meter = new UsageMeter(limiter, exchange.getVariable(ExchangeKeys.IDENTITY, ApiKeyIdentity.class), budgets);
            exchange.setVariable(ExchangeKeys.USAGE_METER, meter);
        }
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        if (target != null) {
            meter.price(target.price());
        }
        return meter;
    }

    /** The request's meter, or null when nothing metered it. */
    public static UsageMeter existing(Exchange exchange) {
        return exchange.getVariable(ExchangeKeys.USAGE_METER, UsageMeter.class);
    }
}
