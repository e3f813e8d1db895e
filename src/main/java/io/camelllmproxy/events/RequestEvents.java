package io.camelllmproxy.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.failover.Attempts;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.stream.StreamSession;
import io.camelllmproxy.transform.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.seda.QueueReference;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step that makes a chat request publish its {@link RequestFinished} event: it notes when the request
 * started and registers an on-completion that, once the exchange is done (answer written, stream ended, or
 * error answered), hands one event to {@link RequestFinished#ENDPOINT}. The queue is never waited on: with no
 * consumer, or a consumer that falls 1000 events behind, events are dropped, so a user route can never slow
 * or fail a request. With no consumer the event is not even built (building it parses the answer again for its
 * usage), so a gateway nobody taps pays nothing for the feature.
 */
public class RequestEvents implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RequestEvents.class);

    /** The producer side: never blocks, never fails, drops when nobody listens or the queue is full. */
    static final String PRODUCER_URI = RequestFinished.ENDPOINT
            + "?waitForTaskToComplete=Never&blockWhenFull=false&discardWhenFull=true&discardIfNoConsumers=true";

    private final CamelContext context;
    private volatile ProducerTemplate template;
    private volatile SedaEndpoint queue;

    public RequestEvents(CamelContext context) {
        this.context = context;
    }

    @Override
    public void process(Exchange exchange) {
        long started = System.nanoTime();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                publish(done, started);
            }
        });
    }

    private void publish(Exchange exchange, long started) {
        try {
            if (!hasConsumer()) {
                return;
            }
            Map<String, Object> event = event(exchange, started, System.nanoTime());
            if (template == null) {
                template = context.createProducerTemplate();
            }
            template.sendBody(PRODUCER_URI, event);
        } catch (RuntimeException e) {
            // an event is an observation: losing one must not touch the request it describes
            LOG.debug("request event not published: {}", e.toString());
        }
    }

    /** Whether a route consumes the events now (the queue is shared by every endpoint of its name). */
    private boolean hasConsumer() {
        SedaEndpoint endpoint = queue;
        if (endpoint == null) {
            endpoint = context.getEndpoint(PRODUCER_URI, SedaEndpoint.class);
            queue = endpoint;
        }
        QueueReference reference = endpoint.getQueueReference();
        return reference != null && reference.hasConsumers();
    }

    /** The event of a finished exchange. */
    static Map<String, Object> event(Exchange exchange, long startedNanos, long finishedNanos) {
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        ApiKeyIdentity identity = exchange.getVariable(ExchangeKeys.IDENTITY, ApiKeyIdentity.class);
        StreamSession session = exchange.getVariable(ExchangeKeys.STREAM_SESSION, StreamSession.class);
        Boolean stream = exchange.getVariable(ExchangeKeys.STREAM, Boolean.class);
        OpenAiError error = error(exchange, target, session);

        Map<String, Object> event = new LinkedHashMap<>();
        event.put(RequestFinished.EVENT, RequestFinished.EVENT_NAME);
        event.put(RequestFinished.REQUEST_ID, exchange.getExchangeId());
        event.put(RequestFinished.FINISHED_AT, Instant.now().toString());
        event.put(RequestFinished.MODEL, exchange.getVariable(ExchangeKeys.MODEL_NAME, String.class));
        event.put(RequestFinished.PROVIDER, target == null ? null : target.providerName());
        event.put(RequestFinished.PROVIDER_TYPE, target == null ? null : target.providerType());
        event.put(RequestFinished.MODEL_ID, target == null ? null : target.modelId());
        event.put(RequestFinished.KEY_NAME, identity == null ? null : identity.name());
        event.put(RequestFinished.STREAM, Boolean.TRUE.equals(stream));
        event.put(RequestFinished.STATUS, status(exchange, error, session));
        event.put(RequestFinished.ERROR_CODE, error == null ? null : error.code());
        JsonNode usage = usage(exchange, session, error);
        event.put(RequestFinished.PROMPT_TOKENS, tokens(usage, "prompt_tokens"));
        event.put(RequestFinished.COMPLETION_TOKENS, tokens(usage, "completion_tokens"));
        event.put(RequestFinished.TOTAL_TOKENS, tokens(usage, "total_tokens"));
        event.put(RequestFinished.LATENCY_MS, (finishedNanos - startedNanos) / 1_000_000);
        long firstChunk = session == null ? 0 : session.firstChunkNanos();
        event.put(RequestFinished.TIME_TO_FIRST_TOKEN_MS, firstChunk == 0 ? null : (firstChunk - startedNanos) / 1_000_000);
        Attempts attempts = exchange.getVariable(ExchangeKeys.ATTEMPTS, Attempts.class);
        event.put(RequestFinished.ATTEMPTS, attempts == null ? null : attempts.calls());
        event.put(RequestFinished.DEPLOYMENT, attempts == null || attempts.deployment() == null ? null
                : attempts.deployment().deployment());
        event.put(RequestFinished.MEMBERS_LEFT, attempts == null ? List.of() : attempts.left());
        return event;
    }

    /** The failure as the client saw it, from the exception the request failed with or that its error handler caught. */
    private static OpenAiError error(Exchange exchange, ModelTarget target, StreamSession session) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            return null;
        }
        if (session != null && session.isClientGone()) {
            return OpenAiError.of(499, OpenAiError.INVALID_REQUEST, "client_closed_request", "The client closed the request");
        }
        if (failure instanceof GatewayException gateway) {
            return gateway.error();
        }
        return ErrorMapping.toOpenAi(failure, target == null ? null : target.providerName());
    }

    private static int status(Exchange exchange, OpenAiError error, StreamSession session) {
        Integer answered = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (session != null && session.isCommitted()) {
            return 200;
        }
        if (answered != null) {
            return answered;
        }
        return error == null ? 200 : error.status();
    }

    /** The {@code usage} object of the answer (a completion's body, or a stream's usage chunk), or null. */
    private static JsonNode usage(Exchange exchange, StreamSession session, OpenAiError error) {
        try {
            if (session != null) {
                String chunk = session.usageChunk();
                return chunk == null ? null : Json.MAPPER.readTree(chunk).get("usage");
            }
            if (error != null) {
                return null;
            }
            Object body = exchange.getMessage().getBody();
            if (body instanceof byte[] bytes) {
                return Json.MAPPER.readTree(bytes).get("usage");
            }
            if (body instanceof String text) {
                return Json.MAPPER.readTree(text).get("usage");
            }
        } catch (java.io.IOException | RuntimeException e) {
            // an answer that is not JSON reports no usage
        }
        return null;
    }

    private static Long tokens(JsonNode usage, String field) {
        return usage != null && usage.path(field).isNumber() ? usage.path(field).asLong() : null;
    }
}
