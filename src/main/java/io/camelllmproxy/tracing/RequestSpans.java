package io.camelllmproxy.tracing;

import org.apache.camel.Exchange;

/**
 * Puts the GenAI attributes on the span Camel's tracer opened for a request, when a tracer is there (the standalone
 * with OTEL_TRACES_EXPORTER set, or a host that traces with camel-opentelemetry2). The gateway never opens spans or
 * installs a tracer of its own: without a tracer this does nothing.
 */
public interface RequestSpans {

    /** Nothing traced: no tracer on the classpath. */
    RequestSpans NONE = exchange -> { };

    /** Called at the start of a request's route; the span is tagged when that route ends, success or failure. */
    void opened(Exchange exchange);

    /** What works on this classpath: camel-telemetry is optional, so its classes are only touched when present. */
    static RequestSpans onClasspath() {
        try {
            Class.forName("org.apache.camel.telemetry.SpanStorageManagerExchange", false, RequestSpans.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return NONE;
        }
        return new CamelRequestSpans();
    }
}
