package io.camelllmproxy.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.concurrent.atomic.AtomicInteger;

/** The streams open to HTTP clients now ({@code llm_gateway_streams_active}): counted from their start to their end. */
public final class ActiveStreams implements MeterBinder {

    /** Gauge of the streams being relayed to HTTP clients. */
    static final String ACTIVE = "llm.gateway.streams.active";

    private final AtomicInteger open = new AtomicInteger();

    public void opened() {
        open.incrementAndGet();
    }

    public void closed() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(ACTIVE, open, AtomicInteger::get).description("Streams being relayed to HTTP clients")
                .register(registry);
    }
}
