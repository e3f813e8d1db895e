package io.camelllmproxy.usage;

import java.math.BigDecimal;

/**
 * A model's prices in USD per million tokens ({@code llm_model_prices}). A model is priced when it has both an
 * input and an output price; without a cached-input price, cached input is charged at the input price.
 */
public record ModelPrice(BigDecimal inputPerMtok, BigDecimal outputPerMtok, BigDecimal cachedInputPerMtok) {

    /** No price: every request of the model costs 0 and is marked unpriced. */
    public static final ModelPrice NONE = new ModelPrice(null, null, null);

    public boolean priced() {
        return inputPerMtok != null && outputPerMtok != null;
    }
}
