package io.camelllmproxy.usage;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * What a request's usage costs at a model's prices: uncached input tokens at the input price, cached input tokens
 * at the cached price (the input price when none is set), output tokens (reasoning ones among them) at the output
 * price. Anthropic's cache writes arrive as uncached prompt tokens ({@code AnthropicTransformer.usage}), so they
 * are charged at the input price.
 */
public final class Cost {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Cost() {
    }

    /** The cost in USD; zero without usage or without a price. */
    public static BigDecimal of(TokenUsage usage, ModelPrice price) {
        if (usage == null || price == null || !price.priced()) {
            return BigDecimal.ZERO;
        }
        long cached = Math.min(Math.max(0, usage.cached()), Math.max(0, usage.input()));
        long uncached = Math.max(0, usage.input()) - cached;
        BigDecimal cachedPrice = price.cachedInputPerMtok() != null ? price.cachedInputPerMtok() : price.inputPerMtok();
        BigDecimal micro = price.inputPerMtok().multiply(BigDecimal.valueOf(uncached))
                .add(cachedPrice.multiply(BigDecimal.valueOf(cached)))
                .add(price.outputPerMtok().multiply(BigDecimal.valueOf(Math.max(0, usage.output()))));
        return micro.divide(MILLION, MathContext.DECIMAL64);
    }
}
