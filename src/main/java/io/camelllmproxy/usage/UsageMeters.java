package io.camelllmproxy.usage;

import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.http.ExchangeKeys;
import org.apache.camel.Exchange;

/** Hands each request its one {@link UsageMeter}, kept on the exchange. */
public final class UsageMeters {

    private final RateLimiter limiter;

    public UsageMeters(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /** The request's meter, made on first use for the caller's key. */
    public UsageMeter of(Exchange exchange) {
        UsageMeter meter = exchange.getVariable(ExchangeKeys.USAGE_METER, UsageMeter.class);
        if (meter == null) {
            meter = new UsageMeter(limiter, exchange.getVariable(ExchangeKeys.IDENTITY, ApiKeyIdentity.class));
            exchange.setVariable(ExchangeKeys.USAGE_METER, meter);
        }
        return meter;
    }

    /** The request's meter, or null when nothing metered it. */
    public static UsageMeter existing(Exchange exchange) {
        return exchange.getVariable(ExchangeKeys.USAGE_METER, UsageMeter.class);
    }
}
