package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.failover.Attempts;
import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.http.AttemptHeaders;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.metrics.ActiveStreams;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.transform.StreamFraming;
import io.camelllmproxy.transform.StreamUsage;
import io.camelllmproxy.transform.WireTransformer;
import io.camelllmproxy.upstream.StreamedBody;
import io.camelllmproxy.upstream.UpstreamHeaders;
import io.camelllmproxy.usage.UsageMeters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.SynchronizationAdapter;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The steps of the stream route: open a session before the upstream call, attach the upstream body and
 * commit the SSE head after it, split the body into events, relay each event, and finish. An in-JVM caller's
 * stream takes {@link #openForCaller()} instead: no session, no HTTP response, the caller reads the events.
 */
public final class StreamProcessors {

    /** Variable holding the {@link EventRelay} of the stream. */
    public static final String RELAY = "eventRelay";
    /** Variable holding the {@link AbandonableEvents} the splitter reads. */
    public static final String EVENTS = "streamEvents";
    /** Variable holding the {@link PushedEvents} of a stream the non-blocking upstream call carries. */
    public static final String PUSHED = "pushedEvents";
    /** Variable holding the {@link CallerChunks} of an in-JVM caller's stream, for the request's record. */
    public static final String CALLER_CHUNKS = "callerChunks";

    private final Supplier<Vertx> vertx;
    private final AdmissionControl admission;
    private final long heartbeatMillis;
    private final long drainTimeoutMillis;
    private final UsageMeters meters;
    private final int maxEventBytes;
    private final ActiveStreams active;

    private static final Set<String> NDJSON_TYPES = Set.of("application/x-ndjson", "application/ndjson",
            "application/jsonl", "application/json");

    public StreamProcessors(Supplier<Vertx> vertx, AdmissionControl admission, UsageMeters meters, long heartbeatMillis,
                            long drainTimeoutMillis, int maxEventBytes, ActiveStreams active) {
        this.maxEventBytes = maxEventBytes;
        this.active = active;
        this.vertx = vertx;
        this.admission = admission;
        this.meters = meters;
        this.heartbeatMillis = heartbeatMillis;
        this.drainTimeoutMillis = drainTimeoutMillis;
    }

    public Processor start() {
        return exchange -> {
            HttpServerResponse response = exchange.getVariable(ExchangeKeys.CLIENT_RESPONSE, HttpServerResponse.class);
            StreamSession session = new StreamSession(response, vertx.get(), heartbeatMillis, drainTimeoutMillis);
            if (!admission.onClientGone(response, session::clientGone)) {
                session.clientGone();
            }
            Attempts attempts = exchange.getVariable(ExchangeKeys.ATTEMPTS, Attempts.class);
            if (attempts != null) {
                // a head the heartbeat sends before any member's first event still says who answers
                session.headHeaders(attempts::headHeaders);
            }
            session.startHeartbeat();
            exchange.setVariable(ExchangeKeys.STREAM_SESSION, session);
            active.opened();
            // the exchange of a stream is done once its last byte is written (or it failed)
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    active.closed();
                }
            });
        };
    }

    /**
     * Takes the provider's accepted stream: checks its framing (a failure here is still an ordinary HTTP error, or
     * a failover) and starts parsing it; events wait until the head is out ({@link #open()}).
     */
    public Processor attach() {
        return exchange -> {
            StreamSession session = session(exchange);
            Message message = exchange.getMessage();
            StreamedBody streamed = message.getBody() instanceof StreamedBody body ? body : null;
            if (streamed != null) {
                session.attachUpstream(streamed::abort);
            } else {
                session.attachUpstream(message.getBody(InputStream.class));
            }
            requireFraming(exchange);
            if (streamed != null) {
                WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
                PushedEvents pushed = new PushedEvents(streamed, parser(transformer), session);
                session.onChange(pushed::poke);
                exchange.setVariable(PUSHED, pushed);
                pushed.start();
            }
        };
    }

    /**
     * For a model group's stream: waits, without a thread, for the member's first event, so that a member that
     * accepted the stream and stays silent (or breaks) can still be left. The wait ends at that event, at a failure,
     * at the first heartbeat (which sends the head: from then on there is no failover) or at the group's
     * {@code first_token_timeout_ms}, which fails the member over while the head is not out. Other streams go on at once.
     */
    public AsyncProcessor firstEvent() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Attempts attempts = exchange.getVariable(ExchangeKeys.ATTEMPTS, Attempts.class);
                PushedEvents pushed = exchange.getVariable(PUSHED, PushedEvents.class);
                if (attempts == null || pushed == null) {
                    callback.done(true);
                    return true;
                }
                return new FirstEventWait(exchange, callback, pushed, attempts.firstTokenTimeoutMs()).start();
            }
        };
    }

    /** Sends the SSE head (the provider's relayed headers, a group's x-llm-*) and readies the relay. */
    public Processor open() {
        return exchange -> {
            StreamSession session = session(exchange);
            ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
            Map<String, String> headers = new LinkedHashMap<>(UpstreamHeaders.relayed(exchange.getMessage(), target.credential()));
            headers.putAll(AttemptHeaders.of(exchange));
            session.commit(headers);
            exchange.setVariable(RELAY, relayTo(session, exchange));
        };
    }

    /**
     * The step at the end of each split part: the route goes on when the provider's next events, its end or a
     * failure are there and the client can take more, without a thread waiting meanwhile (the event that wakes it
     * runs the route on, on the request's event loop). A stream read by a blocking reader goes on at once.
     */
    public AsyncProcessor await() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                PushedEvents pushed = exchange.getVariable(PUSHED, PushedEvents.class);
                if (pushed == null || !pushed.whenReady(() -> callback.done(false))) {
                    callback.done(true);
                    return true;
                }
                return false;
            }
        };
    }

    private StreamParser parser(WireTransformer transformer) {
        return StreamParser.of(transformer.framing(), maxEventBytes);
    }

    /**
     * For an in-JVM caller: the upstream body becomes the message body as {@link CallerChunks}, read by the
     * caller, through the same reader, translator, key masking and usage charging as an HTTP client's stream.
     */
    public Processor openForCaller() {
        return exchange -> {
            InputStream body = exchange.getMessage().getBody(InputStream.class);
            try {
                requireFraming(exchange);
            } catch (RuntimeException e) {
                UpstreamAbort.abort(body);
                throw e;
            }
            WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
            ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
            // camel-http releases the response when the exchange completes by reading it to its end: for a stream
            // the caller reads later, that would drain (and pay for) the whole answer at once. The stream runs it
            // once it is over instead, when a read to the end or an abort leaves nothing to drain. The request's
            // record (llm-request-events) is among what is taken: it is made then too, with the stream's usage.
            List<Synchronization> release = takeCompletions(exchange);
            CallerChunks chunks = new CallerChunks(body, target.providerName(), target.credential(),
                    () -> release.forEach(step -> step.onComplete(exchange)));
            chunks.start(new AbandonableEvents(reader(transformer, body), chunks), relayTo(chunks, exchange));
            exchange.setVariable(CALLER_CHUNKS, chunks);
            exchange.getMessage().setBody(chunks);
        };
    }

    /** What would run when the call's exchange (or its unit of work) completes, taken off it. */
    private static List<Synchronization> takeCompletions(Exchange exchange) {
        List<Synchronization> taken = new ArrayList<>();
        if (exchange.getUnitOfWork() != null) {
            Exchange holder = new DefaultExchange(exchange.getContext());
            exchange.getUnitOfWork().handoverSynchronization(holder);
            List<Synchronization> fromUnitOfWork = holder.getExchangeExtension().handoverCompletions();
            if (fromUnitOfWork != null) {
                taken.addAll(fromUnitOfWork);
            }
        }
        List<Synchronization> own = exchange.getExchangeExtension().handoverCompletions();
        if (own != null) {
            taken.addAll(own);
        }
        return taken;
    }

    private EventRelay relayTo(ChunkSink sink, Exchange exchange) {
        WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        ObjectNode request = exchange.getVariable(ExchangeKeys.CHAT_REQUEST, ObjectNode.class);
        UsageTap tap = new UsageTap(transformer.stream(request, target), meters.of(exchange)::record,
                StreamUsage.clientAsked(request));
        return new EventRelay(sink, tap, target.credential());
    }

    /** Fails with a 502 unless the provider answered in the framing the transformer reads. */
    private static void requireFraming(Exchange exchange) {
        WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, "", String.class);
        if (!framedAs(transformer.framing(), contentType)) {
            contentType = target.credential().mask(contentType);
            contentType = contentType.length() > 100 ? contentType.substring(0, 100) + "..." : contentType;
            throw new GatewayException(OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_protocol_error",
                    "provider '" + target.providerName() + "' answered a streaming request with "
                            + (contentType.isBlank() ? "no content type" : "'" + contentType + "'")
                            + " instead of " + (transformer.framing() == StreamFraming.NDJSON
                            ? "an NDJSON stream" : "an event stream (text/event-stream)")));
        }
    }

    private Iterator<List<String>> reader(WireTransformer transformer, InputStream body) {
        return transformer.framing() == StreamFraming.NDJSON
                ? new NdjsonLineReader(body, maxEventBytes) : new SseEventReader(body, maxEventBytes);
    }

    /** The split expression: the upstream body as an iterator of events, read as they arrive. */
    public Iterator<List<String>> events(Exchange exchange) {
        PushedEvents pushed = exchange.getVariable(PUSHED, PushedEvents.class);
        Iterator<List<String>> source;
        if (pushed != null) {
            source = pushed;
        } else {
            WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
            source = reader(transformer, exchange.getMessage().getBody(InputStream.class));
        }
        AbandonableEvents events = new AbandonableEvents(source, session(exchange));
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
                relay(exchange).onEvents(exchange.getMessage().getBody(List.class));
            } catch (Exception e) {
                exchange.getVariable(EVENTS, AbandonableEvents.class).abandon();
                PushedEvents pushed = exchange.getVariable(PUSHED, PushedEvents.class);
                if (pushed != null) {
                    pushed.abort();
                }
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
