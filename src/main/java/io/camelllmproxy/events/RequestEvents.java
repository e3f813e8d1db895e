package io.camelllmproxy.events;

import io.camelllmproxy.tracing.RequestSpans;
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

    /**
     * Variable a step sets to true when it refuses the request's key (unknown, or without the scope): like an HTTP
     * request that authentication refuses (which never reaches this step), the request is not recorded. The
     * in-JVM API checks its {@code LlmApiKey} after this step, so that its other failures are recorded.
     */
    public static final String KEY_REFUSED = "llmKeyRefused";

    private final RequestObserver observers;
    private final RequestSpans spans;

    public RequestEvents(RequestObserver observers) {
        this(observers, RequestSpans.onClasspath());
    }

    public RequestEvents(RequestObserver observers, RequestSpans spans) {
        this.observers = observers;
        this.spans = spans;
    }

    @Override
    public void process(Exchange exchange) {
        long started = System.nanoTime();
        Instant startedAt = Instant.now();
        // the trace's span ends with the route, before the record below is made: it gets its attributes then
        spans.opened(exchange);
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

    /** Whether a step refused the request's key (a request authentication refuses is not recorded). */
    private static boolean refusedItsKey(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getVariable(KEY_REFUSED, Boolean.class));
    }
}
