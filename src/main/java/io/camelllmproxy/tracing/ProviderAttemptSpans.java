package io.camelllmproxy.tracing;

import io.camelllmproxy.events.RequestRecord;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.decorators.AbstractSpanDecorator;

/**
 * How Camel's tracer names and tags the span of one provider call (one attempt: a group that fails over makes one
 * per member it tries): {@code chat <model id>} with the GenAI attributes of the provider and model called, the
 * provider's status, and {@code error.type} when the attempt failed. Registered by component name (llm-http,
 * llm-stream-http) in META-INF/services, so it touches no endpoint of a host's own.
 */
public abstract class ProviderAttemptSpans extends AbstractSpanDecorator {

    @Override
    public String getComponentClassName() {
        // never matched by class: only our endpoints, found by their scheme, get this decorator
        return getClass().getName();
    }

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        return target == null ? RequestRecord.CHAT : RequestRecord.CHAT + " " + target.modelId();
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        GenAiAttributes.ofAttempt(RequestRecord.CHAT, exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class))
                .forEach(span::setTag);
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        super.afterTracingEvent(span, exchange);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (exchange.getException() != null) {
            span.setTag(GenAiAttributes.ERROR_TYPE, exchange.getException().getClass().getName());
        } else if (status != null) {
            span.setTag(GenAiAttributes.STATUS_CODE, status.toString());
            if (status >= 400) {
                // the provider's status is the low-cardinality failure kind OTel asks error.type to be
                span.setTag(GenAiAttributes.ERROR_TYPE, status.toString());
                span.setError(true);
            }
        }
    }

    /** The plain call (camel-http under the name llm-http). */
    public static final class Plain extends ProviderAttemptSpans {
        @Override
        public String getComponent() {
            return "llm-http";
        }
    }

    /** The streamed call (our llm-stream-http component); its span ends when the response head arrived. */
    public static final class Streamed extends ProviderAttemptSpans {
        @Override
        public String getComponent() {
            return "llm-stream-http";
        }
    }
}
