package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.auth.TokenCharge;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.http.UpstreamHeaders;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.transform.StreamFraming;
import io.camelllmproxy.transform.WireTransformer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.io.InputStream;

/**
 * The steps of the stream route: open a session before the upstream call, attach the upstream body and
 * commit the SSE head after it, split the body into events, relay each event, and finish.
 */
public final class StreamProcessors {

    /** Variable holding the {@link EventRelay} of the stream. */
    public static final String RELAY = "eventRelay";
    /** Variable holding the {@link AbandonableEvents} the splitter reads. */
    public static final String EVENTS = "streamEvents";

    private final Vertx vertx;
    private final AdmissionControl admission;
    private final long heartbeatMillis;
    private final long drainTimeoutMillis;
    private final RateLimiter limiter;

    public StreamProcessors(Vertx vertx, AdmissionControl admission, RateLimiter limiter, long heartbeatMillis,
                            long drainTimeoutMillis) {
        this.vertx = vertx;
        this.admission = admission;
        this.limiter = limiter;
        this.heartbeatMillis = heartbeatMillis;
        this.drainTimeoutMillis = drainTimeoutMillis;
    }

    public Processor start() {
        return exchange -> {
            HttpServerResponse response = exchange.getVariable(ExchangeKeys.CLIENT_RESPONSE, HttpServerResponse.class);
            StreamSession session = new StreamSession(response, vertx, heartbeatMillis, drainTimeoutMillis);
            if (!admission.onClientGone(response, session::clientGone)) {
                session.clientGone();
            }
            session.startHeartbeat();
            exchange.setVariable(ExchangeKeys.STREAM_SESSION, session);
        };
    }

    public Processor open() {
        return exchange -> {
            StreamSession session = session(exchange);
            Message message = exchange.getMessage();
            session.attachUpstream(message.getBody(InputStream.class));
            String contentType = message.getHeader(Exchange.CONTENT_TYPE, "", String.class);
            WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
            if (transformer.framing() == StreamFraming.SSE && contentType.startsWith("application/json")) {
                throw new GatewayException(OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_protocol_error",
                        "The provider answered a streaming request with " + contentType + " instead of an event stream"));
            }
            session.commit(UpstreamHeaders.relayed(message));
            exchange.setVariable(RELAY, new EventRelay(session, transformer.stream(
                    exchange.getVariable(ExchangeKeys.CHAT_REQUEST, ObjectNode.class),
                    exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class)),
                    TokenCharge.forKey(limiter, exchange.getVariable(ExchangeKeys.IDENTITY, ApiKeyIdentity.class))));
        };
    }

    /** The split expression: the upstream body as an iterator of events, read as they arrive. */
    public java.util.Iterator<java.util.List<String>> events(Exchange exchange) {
        InputStream body = exchange.getMessage().getBody(InputStream.class);
        WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
        AbandonableEvents events = new AbandonableEvents(transformer.framing() == StreamFraming.NDJSON
                ? new NdjsonLineReader(body) : new SseEventReader(body), session(exchange));
        exchange.setVariable(EVENTS, events);
        return events;
    }

    @SuppressWarnings("unchecked")
    public Processor relayEvent() {
        return exchange -> {
            try {
                relay(exchange).onEvents(exchange.getMessage().getBody(java.util.List.class));
            } catch (Exception e) {
                exchange.getVariable(EVENTS, AbandonableEvents.class).abandon();
                throw e;
            }
        };
    }

    public Processor finish() {
        return exchange -> {
            relay(exchange).onEnd();
            session(exchange).end();
            exchange.getMessage().setBody(null);
        };
    }

    private static StreamSession session(Exchange exchange) {
        return exchange.getVariable(ExchangeKeys.STREAM_SESSION, StreamSession.class);
    }

    private static EventRelay relay(Exchange exchange) {
        return exchange.getVariable(RELAY, EventRelay.class);
    }
}
