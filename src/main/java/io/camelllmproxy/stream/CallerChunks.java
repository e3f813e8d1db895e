package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.transform.Json;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream as an in-JVM caller reads it: the {@code chat.completion.chunk} JSON payloads, without {@code data: }
 * and without {@code [DONE]}, each read from the provider only when the caller asks for the next one, so a
 * Camel {@code split} with {@code streaming: true} sends each chunk on as the model writes it.
 * <p>
 * {@link #close()} (or reading to the end) releases the provider's connection; closing early aborts the call,
 * so no more tokens are generated or billed. A stream that fails part-way (connection cut, malformed event,
 * an error the provider sent in-band) ends with {@link #next()} throwing a {@link GatewayException} with the
 * same status, type and code an HTTP client would have got in its error event; the chunks before it have been
 * handed out, and the upstream call is over. Like the gateway's own event readers, {@code hasNext()} never
 * blocks, so the end of the stream shows as one last {@code null} from {@code next()}.
 */
public final class CallerChunks implements Iterator<String>, AutoCloseable, ChunkSink {

    private final InputStream upstream;
    private final String providerName;
    private final ProviderCredential credential;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();
    private final ArrayDeque<String> pending = new ArrayDeque<>();
    private AbandonableEvents events;
    private EventRelay relay;
    private GatewayException failure;
    private boolean ended;
    private boolean endSeen;
    private volatile boolean closed;
    private volatile OpenAiError endedWith;
    private volatile long firstChunkNanos;

    /** {@code release} frees the provider call's resources; it runs once, after the stream ended or was aborted. */
    CallerChunks(InputStream upstream, String providerName, ProviderCredential credential, Runnable release) {
        this.upstream = upstream;
        this.release = release;
        this.providerName = providerName;
        this.credential = credential;
    }

    void start(AbandonableEvents events, EventRelay relay) {
        this.events = events;
        this.relay = relay;
    }

    /**
     * Never waits for the provider (Camel's streaming splitter asks before it hands on the chunk it holds): true
     * until the end of the stream is known, so the last {@link #next()} may find the end instead of a chunk.
     */
    @Override
    public synchronized boolean hasNext() {
        return !pending.isEmpty() || failure != null || !ended && !closed;
    }

    /**
     * The next chunk, waiting for the provider to send it; at the end of the stream, null once (the splitter
     * skips a null part). Throws the stream's failure, once, after the chunks received before it.
     */
    @Override
    public synchronized String next() {
        while (pending.isEmpty()) {
            if (failure != null) {
                GatewayException thrown = failure;
                failure = null;
                throw thrown;
            }
            if (ended || closed) {
                if (endSeen) {
                    throw new NoSuchElementException();
                }
                endSeen = true;
                return null;
            }
            readMore();
        }
        if (firstChunkNanos == 0) {
            firstChunkNanos = System.nanoTime();
        }
        return pending.poll();
    }

    private void readMore() {
        try {
            if (events.hasNext()) {
                relay.onEvents(events.next());
            } else {
                relay.onEnd();
                ended = true;
                upstream.close();
                release();
            }
        } catch (Exception e) {
            ended = true;
            UpstreamAbort.abort(upstream);
            if (!closed) {
                OpenAiError error = ErrorMapping.toOpenAi(e, providerName);
                failure = new GatewayException(error == null ? closedError() : credential.mask(error));
                endedWith = failure.error();
            }
            release();
        }
    }

    /** Stops the stream: the provider call is aborted unless it was read to the end. Safe from any thread, repeatable. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!ended && endedWith == null) {
            endedWith = closedError();
        }
        if (events != null) {
            events.abandon();
        }
        // not synchronized: a reader blocked on the provider is woken by the abort
        UpstreamAbort.abort(upstream);
        release();
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }

    /**
     * How the stream ended for its reader: null when read to its end (or not over yet), else the error it ended with
     * (the provider's failure, or 499 {@code client_closed_request} when closed before its end). Set before the
     * release runs, so what the release records sees it.
     */
    public OpenAiError endedWith() {
        return endedWith;
    }

    /** When ({@link System#nanoTime()}) the reader got its first chunk; 0 before that. */
    public long firstChunkNanos() {
        return firstChunkNanos;
    }

    /** Whether the stream was closed before its end (by the caller, or because its exchange completed). */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isClientGone() {
        return closed;
    }

    /** Payloads from the relay: the end marker is dropped, an in-band error becomes the stream's failure. */
    @Override
    public void sendAll(List<String> payloads) {
        for (String payload : payloads) {
            if (failure != null || ended) {
                return;
            }
            if ("[DONE]".equals(payload)) {
                continue;
            }
            if (payload.startsWith("{\"error\"")) {
                failure = inBandError(payload);
                endedWith = failure.error();
                ended = true;
                UpstreamAbort.abort(upstream);
                release();
                return;
            }
            pending.add(payload);
        }
    }

    /** An error event the translator made (or relayed): what an HTTP client reads in-band, as an exception. */
    private static GatewayException inBandError(String payload) {
        JsonNode error;
        try {
            error = Json.MAPPER.readTree(payload).path("error");
        } catch (IOException e) {
            error = Json.MAPPER.createObjectNode();
        }
        String type = error.path("type").asText(OpenAiError.UPSTREAM_ERROR);
        return new GatewayException(new OpenAiError("overloaded_error".equals(type) ? 503 : 502, type,
                error.path("code").isNull() ? null : error.path("code").asText(null),
                error.path("param").isNull() ? null : error.path("param").asText(null),
                error.path("message").asText("The provider reported an error mid-stream"), null));
    }

    private static OpenAiError closedError() {
        return OpenAiError.of(499, OpenAiError.INVALID_REQUEST, "client_closed_request", "The stream was closed");
    }

}
