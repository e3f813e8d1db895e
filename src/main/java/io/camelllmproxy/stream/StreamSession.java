package io.camelllmproxy.stream;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One streaming response: the client's Vert.x response, the upstream body being relayed, and the
 * keep-alive timer. Its writes never wait on the event loop: there a full write queue makes the session
 * unwritable until the client reads ({@link #isWritable}, which the stream route waits on without a thread), and
 * a client that reads nothing for the stall timeout is dropped. A relay on a worker thread (a route edited to
 * call the provider with camel-http) waits for the client instead. The relaying thread and the event loop
 * running the timer and the close callback share it, so the writing methods are synchronized.
 */
public final class StreamSession implements ChunkSink {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final HttpServerResponse response;
    private final Vertx vertx;
    private final long heartbeatNanos;
    private final long drainTimeoutMillis;
    private long timerId = -1;
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile boolean clientGone;
    private volatile Runnable upstreamAbort = () -> { };
    private volatile Runnable onChange = () -> { };
    private volatile Supplier<Map<String, String>> headHeaders = Map::of;
    private boolean backlogged;
    private long stallTimerId = -1;
    private boolean committed;
    private boolean finished;
    private CompletableFuture<Void> drained;
    /** When the first chunk went to the client (0: none yet), and the last chunk that reported usage. */
    private volatile long firstChunkNanos;
    private volatile String usageChunk;

    public StreamSession(HttpServerResponse response, Vertx vertx, long heartbeatMillis, long drainTimeoutMillis) {
        this.response = response;
        this.vertx = vertx;
        this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
        this.drainTimeoutMillis = drainTimeoutMillis;
    }

    /** Starts the keep-alive comments that hold proxies open while a slow model has not answered yet. */
    public void startHeartbeat() {
        if (heartbeatNanos > 0) {
            long period = Math.max(1, TimeUnit.NANOSECONDS.toMillis(heartbeatNanos) / 2);
            timerId = vertx.setPeriodic(period, id -> heartbeat());
        }
    }

    /** The client went away: stop the upstream at once, without draining the tokens the provider bills. */
    public void clientGone() {
        clientGone = true;
        abortUpstream();
        onChange.run();
        CompletableFuture<Void> waiting;
        synchronized (this) {
            waiting = drained;
        }
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    @Override
    public boolean isClientGone() {
        return clientGone;
    }

    public void attachUpstream(InputStream body) {
        attachUpstream(() -> UpstreamAbort.abort(body));
    }

    /** {@code abort} stops the provider's answer without reading the rest; run at once if the client already left. */
    public void attachUpstream(Runnable abort) {
        this.upstreamAbort = abort;
        if (clientGone) {
            abortUpstream();
        }
    }

    /** {@code listener} runs when the client leaves or can take more after a full write queue (on the event loop). */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** Headers of a head the heartbeat sends before the provider's first event (a model group's x-llm-*). */
    public void headHeaders(Supplier<Map<String, String>> headers) {
        this.headHeaders = headers;
    }

    /** False while the client's write queue is full after a write on the event loop; true once it left. */
    @Override
    public synchronized boolean isWritable() {
        return clientGone || !backlogged;
    }

    /** Sends the 200 and the event-stream headers, once. */
    public synchronized void commit(Map<String, String> extraHeaders) {
        if (committed || clientGone) {
            return;
        }
        committed = true;
        response.setStatusCode(200);
        response.setChunked(true);
        extraHeaders.forEach(response::putHeader);
        response.putHeader("Content-Type", "text/event-stream; charset=utf-8");
        response.putHeader("Cache-Control", "no-cache");
        response.putHeader("X-Accel-Buffering", "no");
        // the client (and any proxy) sees the 200 as soon as the provider accepted, not with the first token
        response.writeHead();
    }

    /** Writes {@code data: payload} as one event (on a worker thread, waiting while the client reads slower than the model writes). */
    public void sendData(String payload) throws IOException {
        sendAll(List.of(payload));
    }

    public void sendDone() throws IOException {
        write(Buffer.buffer(DONE));
    }

    /** Writes several events in one write ({@code [DONE]} as the end marker), so a burst costs one hand-off. */
    @Override
    public void sendAll(List<String> payloads) throws IOException {
        Buffer events = Buffer.buffer(64 * payloads.size());
        for (String payload : payloads) {
            if ("[DONE]".equals(payload)) {
                events.appendBytes(DONE);
            } else if (payload.indexOf('\n') < 0 && payload.indexOf('\r') < 0) {
                events.appendBytes(DATA).appendString(payload).appendBytes(EVENT_END);
            } else {
                // a payload relayed from a multi-line upstream event: one data line per line keeps it one event
                for (String line : payload.split("\r\n|\r|\n", -1)) {
                    events.appendBytes(DATA).appendString(line).appendString("\n");
                }
                events.appendString("\n");
            }
            if (payload.contains("\"usage\"")) {
                usageChunk = payload;
            }
        }
        write(events);
        if (firstChunkNanos == 0) {
            firstChunkNanos = System.nanoTime();
        }
    }

    /** {@link System#nanoTime()} when the first chunk was written to the client; 0 when none was. */
    public long firstChunkNanos() {
        return firstChunkNanos;
    }

    /** Whether the SSE head (status 200) went out: a later error travels in-band. */
    public synchronized boolean isCommitted() {
        return committed;
    }

    /** The last chunk that carried a {@code usage} object, or null. */
    public String usageChunk() {
        return usageChunk;
    }

    /**
     * Gives the response back for an ordinary HTTP error when nothing has been sent yet: stops the
     * keep-alive timer so it cannot commit a 200 meanwhile. False when the stream is already under way.
     */
    public synchronized boolean releaseUncommitted() {
        if (committed) {
            return false;
        }
        finished = true;
        cancelHeartbeat();
        return true;
    }

    /** Ends the response if nothing has yet; safe to call more than once and after the client left. */
    public synchronized void end() {
        cancelHeartbeat();
        if (!finished) {
            finished = true;
            if (!response.ended()) {
                try {
                    response.end();
                } catch (IllegalStateException e) {
                    // the connection is already closed; nothing is left to end
                }
            }
        }
        if (clientGone) {
            abortUpstream();
        }
    }

    /** Stops reading the upstream without draining it, e.g. after an error mid-stream. */
    public void abortUpstream() {
        upstreamAbort.run();
    }

    private void cancelHeartbeat() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        // a stream that ended with its client's queue full must not be held for the stall timeout
        if (stallTimerId >= 0) {
            vertx.cancelTimer(stallTimerId);
            stallTimerId = -1;
        }
    }

    private void write(Buffer buffer) throws IOException {
        CompletableFuture<Void> waitFor = null;
        synchronized (this) {
            if (clientGone || finished) {
                throw new ClientGoneException();
            }
            response.write(buffer);
            lastWriteNanos = System.nanoTime();
            if (response.writeQueueFull() && Context.isOnEventLoopThread()) {
                awaitDrainLater();
                return;
            }
            if (response.writeQueueFull()) {
                drained = new CompletableFuture<>();
                waitFor = drained;
                CompletableFuture<Void> target = drained;
                response.drainHandler(v -> target.complete(null));
            }
        }
        if (waitFor != null) {
            awaitDrain(waitFor);
        }
    }

    /** On the event loop: unwritable until the client reads, dropped if it reads nothing for the stall timeout. */
    private void awaitDrainLater() {
        if (backlogged) {
            return;
        }
        backlogged = true;
        stallTimerId = vertx.setTimer(drainTimeoutMillis, id -> {
            synchronized (this) {
                stallTimerId = -1;
                if (!backlogged) {
                    return;
                }
            }
            clientGone();
        });
        response.drainHandler(v -> {
            synchronized (this) {
                backlogged = false;
                if (stallTimerId >= 0) {
                    vertx.cancelTimer(stallTimerId);
                    stallTimerId = -1;
                }
            }
            onChange.run();
        });
    }

    private void awaitDrain(CompletableFuture<Void> waitFor) throws IOException {
        try {
            waitFor.get(drainTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            clientGone();
            throw new IOException("the client read nothing for " + drainTimeoutMillis + " ms; stream abandoned");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the client to read");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } finally {
            synchronized (this) {
                drained = null;
            }
        }
        if (clientGone) {
            throw new ClientGoneException();
        }
    }

    private synchronized void heartbeat() {
        if (finished || clientGone || System.nanoTime() - lastWriteNanos < heartbeatNanos) {
            return;
        }
        if (!committed) {
            commit(headHeaders.get());
        }
        response.write(Buffer.buffer(KEEP_ALIVE));
        lastWriteNanos = System.nanoTime();
    }
}
