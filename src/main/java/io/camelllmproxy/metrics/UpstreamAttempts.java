package io.camelllmproxy.metrics;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.upstream.ProviderStatusException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Counts the calls made to providers by outcome ({@code llm_gateway_upstream_attempts_total{provider,outcome}}):
 * every attempt of a model group or a retried model, and the one call of a plain request. The outcome is
 * {@code success} or the kind of failure, from a small fixed set so it stays a bounded label.
 */
public final class UpstreamAttempts implements MeterBinder {

    /** Counter of provider calls per provider (registry name) and outcome. */
    static final String ATTEMPTS = "llm.gateway.upstream.attempts";

    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One call to {@code provider} ended: answered when {@code failure} is null. */
    public void attempted(String provider, Throwable failure) {
        MeterRegistry meters = registry;
        if (meters == null || provider == null) {
            return;
        }
        Counter.builder(ATTEMPTS).tag("provider", provider).tag("outcome", outcome(failure)).register(meters).increment();
    }

    /** {@code success}, {@code http_429}, {@code http_5xx}, {@code http_4xx}, or the transport failure's kind. */
    static String outcome(Throwable failure) {
        if (failure == null) {
            return "success";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProviderStatusException status) {
                int code = status.providerStatus();
                return code == 429 ? "http_429" : code >= 500 ? "http_5xx" : "http_4xx";
            }
            if (t instanceof GatewayException) {
                break;
            }
        }
        OpenAiError error = ErrorMapping.toOpenAi(failure, null);
        if (error == null) {
            return "client_closed";
        }
        return switch (error.code() == null ? "" : error.code()) {
            case "upstream_timeout" -> "timeout";
            case "upstream_unreachable" -> "connect";
            case "upstream_connection_error" -> "connection";
            case "upstream_tls_error" -> "tls";
            case "upstream_pool_exhausted" -> "pool_exhausted";
            case "upstream_protocol_error" -> "protocol";
            default -> "error";
        };
    }
}
