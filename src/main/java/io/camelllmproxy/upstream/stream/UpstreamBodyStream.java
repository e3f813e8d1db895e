package io.camelllmproxy.upstream.stream;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.ReadStream;

/**
 * A provider's response body as {@link io.camelllmproxy.upstream.StreamedBody} hands it to its reader: the paused
 * Vert.x response, with the reader's demand followed so that the read timeout counts only while the reader wants
 * bytes ({@link IdleWatch}), and failures as {@link TransportFailures} names them. A failure that comes before the
 * reader set its exception handler is kept and handed to it when it does, so none is lost between the call's end
 * and the reader's start.
 */
final class UpstreamBodyStream implements ReadStream<Buffer> {

    private final HttpClientResponse response;
    private final IdleWatch watch;
    private final Runnable onEnd;
    // the reader's demand, as Vert.x counts it: 0 paused, Long.MAX_VALUE flowing
    private long demand;
    private Handler<Throwable> exceptionHandler;
    private Handler<Void> endHandler;
    private Throwable failure;
    private boolean ended;

    /** {@code onEnd} runs once the whole body arrived (its connection is then free for another call). */
    UpstreamBodyStream(HttpClientResponse response, IdleWatch watch, Runnable onEnd) {
        this.response = response;
        this.watch = watch;
        this.onEnd = onEnd;
        response.exceptionHandler(this::failed);
        response.endHandler(v -> ended());
    }

    @Override
    public synchronized ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        exceptionHandler = handler;
        Throwable pending = failure;
        if (handler != null && pending != null) {
            failure = null;
            handler.handle(pending);
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        response.handler(handler == null ? null : chunk -> {
            delivered();
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        synchronized (this) {
            demand = 0;
            watch.waiting(false);
        }
        response.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        synchronized (this) {
            demand = Long.MAX_VALUE;
            watch.waiting(!ended);
        }
        response.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        synchronized (this) {
            if (amount > 0) {
                demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
                watch.waiting(!ended);
            }
        }
        response.fetch(amount);
        return this;
    }

    @Override
    public synchronized ReadStream<Buffer> endHandler(Handler<Void> handler) {
        endHandler = handler;
        if (handler != null && ended) {
            handler.handle(null);
        }
        return this;
    }

    private synchronized void delivered() {
        watch.activity();
        if (demand != Long.MAX_VALUE && demand > 0 && --demand == 0) {
            watch.waiting(false);
        }
    }

    private void ended() {
        Handler<Void> handler;
        synchronized (this) {
            ended = true;
            handler = endHandler;
        }
        watch.stop();
        onEnd.run();
        if (handler != null) {
            handler.handle(null);
        }
    }

    private void failed(Throwable cause) {
        watch.stop();
        Throwable translated = TransportFailures.afterHead(cause);
        Handler<Throwable> handler;
        synchronized (this) {
            handler = exceptionHandler;
            if (handler == null) {
                failure = translated;
            }
        }
        if (handler != null) {
            handler.handle(translated);
        }
    }
}
