package io.camelllmproxy.http;

import io.camelllmproxy.failover.Attempts;
import org.apache.camel.Exchange;

import java.util.Map;

/** {@code x-llm-attempts} and {@code x-llm-deployment} on every answer to a request that went through failover. */
public final class AttemptHeaders {

    private AttemptHeaders() {
    }

    /** The headers, or none for a plain model's single call. */
    public static Map<String, String> of(Exchange exchange) {
        Attempts attempts = exchange.getVariable(ExchangeKeys.ATTEMPTS, Attempts.class);
        return attempts == null ? Map.of() : attempts.headers();
    }
}
