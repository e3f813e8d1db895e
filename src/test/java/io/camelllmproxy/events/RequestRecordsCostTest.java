package io.camelllmproxy.events;

import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.usage.ModelPrice;
import io.camelllmproxy.usage.UsageMeters;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record of a request carries its cost and whether its model was priced, as the meter saw them. */
class RequestRecordsCostTest {

    static final String ANSWER = "{\"model\":\"m\",\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":100}}";

    static RequestRecord recordOf(ModelPrice price) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(ExchangeKeys.TARGET, new ModelTarget("row", "m", "M", null, 0, true, "p-id", "p", "openai",
                null, null, Json.MAPPER.createObjectNode(), null, null, true, ProviderCredential.NONE, null, true, price));
        new UsageMeters(new RateLimiter(), null).of(exchange).fromBody(ANSWER.getBytes(StandardCharsets.UTF_8));
        return RequestRecords.of(exchange, Instant.now(), 0, 1);
    }

    @Test
    void aPricedModelsRecordHasItsCost() {
        RequestRecord record = recordOf(new ModelPrice(new BigDecimal("4"), new BigDecimal("20"), null));
        assertTrue(record.priced());
        assertEquals((300 * 4.0 + 100 * 20.0) / 1_000_000, record.costUsd(), 1e-12);
    }

    @Test
    void anUnpricedModelsRecordCostsNothingAndSaysSo() {
        RequestRecord noRow = recordOf(ModelPrice.NONE);
        assertFalse(noRow.priced());
        assertEquals(0.0, noRow.costUsd());
        RequestRecord inputOnly = recordOf(new ModelPrice(new BigDecimal("4"), null, null));
        assertFalse(inputOnly.priced(), "a price needs both input and output");
        assertEquals(0.0, inputOnly.costUsd());
    }
}
