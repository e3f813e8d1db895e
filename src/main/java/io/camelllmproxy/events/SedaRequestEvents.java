package io.camelllmproxy.events;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.seda.QueueReference;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes each finished request as a {@link RequestFinished} event to {@link RequestFinished#ENDPOINT}. The
 * queue is never waited on: with no consumer, or a consumer that falls 1000 events behind, events are dropped,
 * so a user route can never slow or fail a request; with no consumer the event is not even built.
 */
public final class SedaRequestEvents implements RequestObserver {

    private static final Logger LOG = LoggerFactory.getLogger(SedaRequestEvents.class);

    /** The producer side: never blocks, never fails, drops when nobody listens or the queue is full. */
    static final String PRODUCER_URI = RequestFinished.ENDPOINT
            + "?waitForTaskToComplete=Never&blockWhenFull=false&discardWhenFull=true&discardIfNoConsumers=true";

    private final CamelContext context;
    private volatile ProducerTemplate template;
    private volatile SedaEndpoint queue;

    public SedaRequestEvents(CamelContext context) {
        this.context = context;
    }

    @Override
    public void finished(RequestRecord record) {
        try {
            if (!hasConsumer()) {
                return;
            }
            if (template == null) {
                template = context.createProducerTemplate();
            }
            // the endpoint resolved once, not the URI normalised and looked up again for every request
            template.sendBody(queue, event(record));
        } catch (RuntimeException e) {
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

    /** The event of a finished request. */
    static Map<String, Object> event(RequestRecord record) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put(RequestFinished.EVENT, RequestFinished.EVENT_NAME);
        event.put(RequestFinished.REQUEST_ID, record.requestId());
        event.put(RequestFinished.FINISHED_AT, record.startedAt().plusNanos(record.latencyNanos()).toString());
        event.put(RequestFinished.MODEL, record.requestedModel());
        event.put(RequestFinished.PROVIDER, record.providerName());
        event.put(RequestFinished.PROVIDER_TYPE, record.providerType());
        event.put(RequestFinished.MODEL_ID, record.modelId());
        event.put(RequestFinished.KEY_NAME, record.keyName());
        event.put(RequestFinished.STREAM, record.stream());
        event.put(RequestFinished.STATUS, record.status());
        event.put(RequestFinished.ERROR_CODE, record.errorCode());
        boolean reported = record.usage() != null;
        event.put(RequestFinished.PROMPT_TOKENS, reported ? record.usage().input() : null);
        event.put(RequestFinished.COMPLETION_TOKENS, reported ? record.usage().output() : null);
        event.put(RequestFinished.TOTAL_TOKENS, reported ? record.usage().total() : null);
        event.put(RequestFinished.CACHED_TOKENS, reported ? record.usage().cached() : null);
        event.put(RequestFinished.REASONING_TOKENS, reported ? record.usage().reasoning() : null);
        event.put(RequestFinished.COST_USD, record.costUsd());
        event.put(RequestFinished.LATENCY_MS, record.latencyNanos() / 1_000_000);
        event.put(RequestFinished.TIME_TO_FIRST_TOKEN_MS,
                record.firstTokenNanos() == null ? null : record.firstTokenNanos() / 1_000_000);
        event.put(RequestFinished.GROUP, record.group());
        event.put(RequestFinished.ATTEMPTS, record.attempts());
        event.put(RequestFinished.DEPLOYMENT, record.deployment());
        event.put(RequestFinished.MEMBERS_LEFT, record.membersLeft());
        return event;
    }
}
