package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.auth.TokenCharge;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.transform.StreamFraming;
import io.camelllmproxy.transform.WireTransformer;
import io.camelllmproxy.upstream.UpstreamHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.io.InputStream;
import java.util.Locale;
import java.util.Set;

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
    private final int maxEventBytes;

    private static final Set<String> NDJSON_TYPES = Set.of("application/x-ndjson", "application/ndjson",
            "application/jsonl", "application/json");

    public StreamProcessors(Vertx vertx, AdmissionControl admission, RateLimiter limiter, long heartbeatMillis,
                            long drainTimeoutMillis, int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
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
            WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
            ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
            String contentType = message.getHeader(Exchange.CONTENT_TYPE, "", String.class);
            if (!framedAs(transformer.framing(), contentType)) {
                // thrown before the head is out, so the client gets an ordinary 502 in the OpenAI shape
                contentType = target.credential().mask(contentType);
                contentType = contentType.length() > 100 ? contentType.substring(0, 100) + "..." : contentType;
                throw new GatewayException(OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_protocol_error",
                        "provider '" + target.providerName() + "' answered a streaming request with "
                                + (contentType.isBlank() ? "no content type" : "'" + contentType + "'")
                                + " instead of " + (transformer.framing() == StreamFraming.NDJSON
                                ? "an NDJSON stream" : "an event stream (text/event-stream)")));
            }
            session.commit(UpstreamHeaders.relayed(message, target.credential()));
            exchange.setVariable(RELAY, new EventRelay(session, transformer.stream(
                    exchange.getVariable(ExchangeKeys.CHAT_REQUEST, ObjectNode.class), target),
                    TokenCharge.forKey(limiter, exchange.getVariable(ExchangeKeys.IDENTITY, ApiKeyIdentity.class)),
                    target.credential()));
        };
    }

    /** The split expression: the upstream body as an iterator of events, read as they arrive. */
    public java.util.Iterator<java.util.List<String>> events(Exchange exchange) {
        InputStream body = exchange.getMessage().getBody(InputStream.class);
        WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
        AbandonableEvents events = new AbandonableEvents(transformer.framing() == StreamFraming.NDJSON
                ? new NdjsonLineReader(body, maxEventBytes) : new SseEventReader(body, maxEventBytes), session(exchange));
        exchange.setVariable(EVENTS, events);
        return events;
    }

    /** Whether {@code contentType} is the framing the request asked for; media types compare without case. */
    static boolean framedAs(StreamFraming framing, String contentType) {
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        if (framing == StreamFraming.NDJSON) {
            // Ollama says application/x-ndjson; older builds and proxies in front of it say application/json
            return NDJSON_TYPES.contains(media);
        }
        return media.equals("text/event-stream");
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
