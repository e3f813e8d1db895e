package io.camelllmproxy.metrics;

import io.camelllmproxy.usage.UsageLedger;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** {@code llm_gateway_usage_rows_dropped_total}: ledger rows lost because the queue was full while the database was down. */
public final class LedgerDrops implements MeterBinder {

    private final UsageLedger ledger;

    public LedgerDrops(UsageLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("llm.gateway.usage.rows.dropped", ledger, UsageLedger::dropped)
                .description("Usage ledger rows dropped because llm.usage.queue-size rows were already waiting for the database")
                .register(registry);
    }
}
