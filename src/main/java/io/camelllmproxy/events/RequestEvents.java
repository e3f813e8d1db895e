package io.camelllmproxy.events;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.http.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * The step that makes a request observed: it notes when the request started and registers an on-completion that,
 * once the exchange is done (answer written, stream ended, or error answered), builds its {@link RequestRecord}
 * and hands it to the {@link RequestObservers} (metrics, ledger, access log, the {@link RequestFinished} event).
 */
public class RequestEvents implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RequestEvents.class);

    private final RequestObserver observers;

    public RequestEvents(RequestObserver observers) {
        this.observers = observers;
    }

    @Override
    public void process(Exchange exchange) {
        long started = System.nanoTime();
        Instant startedAt = Instant.now();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (refusedItsKey(done)) {
                    return;
                }
                RequestRecord record;
                try {
                    record = RequestRecords.of(done, startedAt, started, System.nanoTime());
                } catch (RuntimeException e) {
                    // an observation must not touch the request it describes
                    LOG.warn("request {} not recorded: {}", RequestRecords.requestId(done), e.toString());
                    return;
                }
                observers.finished(record);
            }
        });
    }

    /**
     * Whether an in-JVM call failed on its {@code LlmApiKey} (unknown key or missing scope): like an HTTP request
     * that authentication refuses, it is not recorded. Over HTTP such a request never reaches this step.
     */
    private static boolean refusedItsKey(Exchange exchange) {
        return exchange.getException() instanceof GatewayException refused
                && (refused.error().status() == 401 || refused.error().status() == 403)
                && exchange.getVariable(ExchangeKeys.IDENTITY) == null;
    }
}
