package io.camelllmproxy.failover;

import io.camelllmproxy.http.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * The failover loop's condition: another member may take the request. Simple's {@code ${variable.attempts.again}}
 * says the same through a reflective bean call on every turn; this reads the field (the loop runs on every request
 * to a group, where the gateway's own cost is held under 0.1 ms).
 */
public final class AttemptsPending implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        Attempts attempts = exchange.getVariable(ExchangeKeys.ATTEMPTS, Attempts.class);
        return attempts != null && attempts.again();
    }
}
