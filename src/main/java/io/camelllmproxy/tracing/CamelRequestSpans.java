package io.camelllmproxy.tracing;

import io.camelllmproxy.events.RequestRecord;
import io.camelllmproxy.events.RequestRecords;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.SynchronizationRouteAware;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanStorageManager;
import org.apache.camel.telemetry.SpanStorageManagerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * {@link RequestSpans} over camel-telemetry: the span is the one active on the exchange when the request's route
 * starts (the HTTP server span when the internal direct: hops are excluded from tracing, else that route's own
 * span). It is tagged when that route ends: the tracer's route policy ends the span only after the route's
 * after-route callbacks, while the exchange's completion callbacks come later still, after the span was exported.
 */
final class CamelRequestSpans implements RequestSpans {

    private static final Logger LOG = LoggerFactory.getLogger(CamelRequestSpans.class);

    /** camel-telemetry's own store, which keeps the open spans on the exchange. */
    private final SpanStorageManager spans = new SpanStorageManagerExchange();

    @Override
    public void opened(Exchange exchange) {
        Span span = spans.peek(exchange);
        UnitOfWork unitOfWork = exchange.getUnitOfWork();
        Route route = unitOfWork == null ? null : unitOfWork.getRoute();
        if (span == null || route == null) {
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new Tagging(span, route.getRouteId(), Instant.now(), System.nanoTime()));
    }

    /** Tags the span once, when the route that opened the request ends. */
    private static final class Tagging extends SynchronizationAdapter implements SynchronizationRouteAware {

        private final Span span;
        private final String routeId;
        private final Instant startedAt;
        private final long startedNanos;
        private boolean tagged;

        Tagging(Span span, String routeId, Instant startedAt, long startedNanos) {
            this.span = span;
            this.routeId = routeId;
            this.startedAt = startedAt;
            this.startedNanos = startedNanos;
        }

        @Override
        public SynchronizationRouteAware getRouteSynchronization() {
            // Camel calls the route callbacks only of a synchronization that names itself here
            return this;
        }

        @Override
        public void onBeforeRoute(Route route, Exchange exchange) {
        }

        @Override
        public void onAfterRoute(Route route, Exchange exchange) {
            if (tagged || !routeId.equals(route.getRouteId())) {
                return;
            }
            tagged = true;
            try {
                RequestRecord record = RequestRecords.of(exchange, startedAt, startedNanos, System.nanoTime());
                GenAiAttributes.ofRequest(record).forEach(span::setTag);
                if (record.status() >= 500) {
                    span.setError(true);
                }
            } catch (RuntimeException e) {
                // a trace must not touch the request it describes
                LOG.debug("request span not tagged: {}", e.toString());
            }
        }
    }
}
