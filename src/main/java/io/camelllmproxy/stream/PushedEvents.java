package io.camelllmproxy.stream;

import io.camelllmproxy.upstream.StreamedBody;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A provider's stream as the splitter reads it when the non-blocking upstream call carries it: the bytes arrive
 * on the request's event loop, are parsed there, and wait here as bursts of events until the stream route takes
 * them. Nothing ever blocks: {@link #whenReady} (the route's {@code llm-stream-await} step) runs the route on
 * when there is a burst, the end or a failure to take, so the splitter's {@code hasNext()}/{@code next()} only
 * read what is already here.
 * <p>
 * Back-pressure both ways: the provider is paused while more than {@link #MAX_QUEUED_CHARS} characters wait (the client
 * reads slower than the model writes, or the route is behind), and resumed once the route took them; so what
 * waits is bounded by that plus one event the parser holds (at most {@code llm.stream.max-event-bytes}).
 * Events that arrive while the route is still writing the previous burst join into one burst: one exchange and
 * one write for all of them.
 */
public final class PushedEvents implements Iterator<List<String>> {

    /** Characters of parsed event data waiting above which the provider is paused. */
    static final int MAX_QUEUED_CHARS = 64 * 1024;

    private final StreamedBody body;
    private final StreamParser parser;
    private final ChunkSink sink;
    private List<String> queued = new ArrayList<>();
    private int queuedChars;
    private boolean paused;
    private boolean ended;
    private RuntimeException failure;
    private Runnable waiting;

    public PushedEvents(StreamedBody body, StreamParser parser, ChunkSink sink) {
        this.body = body;
        this.parser = parser;
        this.sink = sink;
    }

    /** Starts reading the provider's body. */
    public void start() {
        body.stream().exceptionHandler(this::onFailure);
        body.stream().endHandler(v -> onEnd());
        body.stream().handler(this::onBytes);
        body.stream().resume();
    }

    /**
     * False when there is something for the splitter to take now (a burst, the end, a failure) or the stream is
     * over for the client; otherwise true, and {@code then} runs (on the event loop) once there is.
     */
    public synchronized boolean whenReady(Runnable then) {
        if (ready()) {
            return false;
        }
        waiting = then;
        return true;
    }

    /** The failure that ended the provider's stream before it sent any event, else null (events or no failure yet). */
    public synchronized RuntimeException failureBeforeEvents() {
        return queued.isEmpty() && failure != null ? failure : null;
    }

    /** Wakes a waiting route when the client left or can take more. */
    public void poke() {
        wake();
    }

    @Override
    public synchronized boolean hasNext() {
        // never reads ahead: the splitter asks right after taking a part, before relaying it; so the first part, taken
        // before any event arrived, may be empty (relayed as nothing)
        return !queued.isEmpty() || failure != null || !ended;
    }

    @Override
    public List<String> next() {
        List<String> burst;
        boolean resume;
        synchronized (this) {
            if (queued.isEmpty() && failure != null) {
                RuntimeException failed = failure;
                failure = null;
                ended = true;
                throw failed;
            }
            burst = queued;
            queued = new ArrayList<>();
            queuedChars = 0;
            resume = paused && !ended;
            paused = false;
        }
        if (resume) {
            body.stream().resume();
        }
        return burst;
    }

    /** Stops the provider without reading the rest (the client left, or a step failed). */
    public void abort() {
        synchronized (this) {
            ended = true;
        }
        body.abort();
        wake();
    }

    private boolean ready() {
        return (!queued.isEmpty() || ended || failure != null || sink.isClientGone()) && sink.isWritable();
    }

    private void onBytes(Buffer bytes) {
        List<String> events = new ArrayList<>();
        Throwable broken = null;
        try {
            parser.feed(bytes, events);
        } catch (UpstreamProtocolException | RuntimeException e) {
            // the events completed before the break are relayed, then the stream ends with the error
            broken = e;
            body.abort();
        }
        if (!events.isEmpty()) {
            queue(events);
        }
        if (broken != null) {
            onFailure(broken);
        }
    }

    private void queue(List<String> events) {
        boolean pause;
        synchronized (this) {
            if (ended) {
                return;
            }
            queued.addAll(events);
            for (String event : events) {
                queuedChars += event.length();
            }
            pause = queuedChars > MAX_QUEUED_CHARS && !paused;
            paused |= pause;
        }
        if (pause) {
            body.stream().pause();
        }
        wake();
    }

    private void onEnd() {
        try {
            parser.end();
        } catch (UpstreamProtocolException | RuntimeException e) {
            onFailure(e);
            return;
        }
        synchronized (this) {
            ended = true;
        }
        wake();
    }

    private void onFailure(Throwable cause) {
        synchronized (this) {
            if (ended) {
                return;
            }
            failure = UpstreamReadFailure.of(cause);
        }
        wake();
    }

    private void wake() {
        Runnable then;
        synchronized (this) {
            if (waiting == null || !ready()) {
                return;
            }
            then = waiting;
            waiting = null;
        }
        then.run();
    }
}
