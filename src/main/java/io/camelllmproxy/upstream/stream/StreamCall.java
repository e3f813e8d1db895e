package io.camelllmproxy.upstream.stream;

import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.stream.ClientGoneException;
import io.camelllmproxy.upstream.StreamedBody;
import io.camelllmproxy.upstream.UpstreamStatusCheck;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.hc.core5.http.MessageConstraintException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One provider call, from the request to the response head, every step of it on one Vert.x context (the client
 * request's own event loop under the gateway's workers), so the answer's handlers run where the client's response
 * is written. The exchange completes at the head: a 2xx answer's body is handed over paused, as a
 * {@link StreamedBody}; another status's body is read, up to {@link UpstreamStatusCheck#MAX_ERROR_BODY}, into a
 * {@code byte[]} for the status check. The call is aborted whenever its client leaves: while waiting for a
 * connection, for the head, or while the body is read; the connection is closed, never drained. A streamed body
 * not read to its end when the exchange completes is aborted then.
 */
final class StreamCall {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCall.class);

    private final Exchange exchange;
    private final AsyncCallback callback;
    private final StreamHttpClients clients;
    private final StreamHttpClients.Clients pair;
    private final ContextInternal context;
    private final RequestOptions options;
    // kept for a resend until the head arrives, then dropped: a stream may last minutes
    private volatile Buffer body;
    private final StreamHttpSettings settings;
    private final StaleConnectionResend resend;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean clientGone;
    private volatile HttpClientRequest current;
    // the answer arrived in full: its connection may already carry another call, so it must never be reset
    private volatile boolean over;

    StreamCall(Exchange exchange, AsyncCallback callback, StreamHttpClients clients, ContextInternal context,
               RequestOptions options, Buffer body, StreamHttpSettings settings, StaleConnectionResend resend) {
        this.exchange = exchange;
        this.callback = callback;
        this.clients = clients;
        this.pair = clients.of(context);
        this.context = context;
        this.options = options;
        this.body = body;
        this.settings = settings;
        this.resend = resend;
    }

    /** Starts the call; {@code request} (null outside an HTTP request) tells when the client leaves. */
    void start(AdmissionControl.RequestContext request) {
        if (request != null && !request.onClientGone(this::clientLeft)) {
            clientGone = true;
            finish(new ClientGoneException());
            return;
        }
        context.runOnContext(v -> guarded(() -> attempt(pair.pooled(), true)));
    }

    /**
     * Runs a step of the call so that whatever it throws (a client closed by a stop, a bug) fails the call: Vert.x
     * would swallow it, and the exchange, its client and its admission slot would wait for ever.
     */
    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            abort(null);
            finish(TransportFailures.beforeHead(e));
        }
    }

    private void attempt(HttpClient client, boolean first) {
        if (clientGone) {
            finish(new ClientGoneException());
            return;
        }
        client.request(options).onComplete(ar -> guarded(() -> {
            if (ar.failed()) {
                failed(ar.cause(), false, StaleConnectionResend.NOT_WRITTEN, first);
            } else {
                send(ar.result(), first);
            }
        }));
    }

    private void send(HttpClientRequest request, boolean first) {
        current = request;
        // failures arrive through the response; without a handler Vert.x would log them, host and address included
        request.exceptionHandler(e -> { });
        if (clientGone) {
            request.reset(0, new ClientGoneException());
            finish(new ClientGoneException());
            return;
        }
        boolean reused = clients.reused(request.connection());
        AtomicLong writtenAt = new AtomicLong(StaleConnectionResend.NOT_WRITTEN);
        IdleWatch watch = new IdleWatch(context, settings.readTimeoutMillis(), () -> request.reset(0,
                new SocketTimeoutException("the provider sent nothing for " + settings.readTimeoutMillis() + " ms")));
        watch.start();
        request.response().onComplete(ar -> guarded(() -> {
            if (ar.failed()) {
                watch.stop();
                failed(ar.cause(), reused, writtenAt.get(), first);
            } else {
                head(request, ar.result(), watch);
            }
        }));
        request.end(body).onSuccess(v -> writtenAt.set(System.nanoTime()));
    }

    private void failed(Throwable failure, boolean reused, long writtenAt, boolean first) {
        if (clientGone) {
            finish(new ClientGoneException());
            return;
        }
        if (first && resend.applies(failure, reused, writtenAt, System.nanoTime())) {
            LOG.debug("[{}] a pooled connection was closed by the provider; sending again on a new connection",
                    exchange.getExchangeId());
            attempt(pair.fresh(), false);
            return;
        }
        finish(TransportFailures.beforeHead(failure));
    }

    private void head(HttpClientRequest request, HttpClientResponse response, IdleWatch watch) {
        response.pause();
        body = null;
        if (clientGone) {
            watch.stop();
            request.reset(0, new ClientGoneException());
            finish(new ClientGoneException());
            return;
        }
        try {
            HeadLimits.check(response, settings);
        } catch (MessageConstraintException e) {
            watch.stop();
            abort(null);
            finish(e);
            return;
        }
        ResponseHead.apply(response, exchange);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            watch.waiting(false);
            StreamedBody streamed = new StreamedBody(new UpstreamBodyStream(response, watch, () -> over = true),
                    () -> abort(null));
            // as camel-http closes the stream it handed over once the exchange is done: a body its route did not read
            // to the end (a step failed before the relay) must not keep its connection, paused, for ever
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    streamed.abort();
                }
            });
            exchange.getMessage().setBody(streamed);
            finish(null);
        } else {
            readErrorBody(request, response, watch);
        }
    }

    /** An error answer is a message: read it, bounded, then the connection goes back to the pool or is closed. */
    private void readErrorBody(HttpClientRequest request, HttpClientResponse response, IdleWatch watch) {
        Buffer collected = Buffer.buffer();
        response.exceptionHandler(e -> {
            watch.stop();
            finish(clientGone ? new ClientGoneException() : TransportFailures.afterHead(e));
        });
        response.endHandler(v -> {
            over = true;
            watch.stop();
            errorBody(collected);
        });
        response.handler(chunk -> {
            watch.activity();
            int room = UpstreamStatusCheck.MAX_ERROR_BODY - collected.length();
            if (chunk.length() <= room) {
                collected.appendBuffer(chunk);
                return;
            }
            collected.appendBuffer(chunk, 0, room);
            watch.stop();
            // the rest is not worth reading: the connection is closed instead of drained
            response.handler(null);
            errorBody(collected);
            abort(null);
        });
        response.resume();
    }

    private void errorBody(Buffer collected) {
        if (!finished.get()) {
            exchange.getMessage().setBody(collected.getBytes());
        }
        finish(null);
    }

    private void clientLeft() {
        clientGone = true;
        abort(new ClientGoneException());
    }

    /**
     * Closes the call's connection unless its answer is complete, on the call's context (where {@link #over} is
     * set), and fails the exchange if it is still waiting; {@code reason} (null: the reader's own abort) is what a
     * reader of the body is told.
     */
    private void abort(Throwable reason) {
        context.runOnContext(v -> {
            HttpClientRequest request = current;
            if (request != null && !over) {
                if (reason == null) {
                    request.reset();
                } else {
                    request.reset(0, reason);
                }
            }
            if (reason != null) {
                finish(reason);
            }
        });
    }

    private void finish(Throwable failure) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        if (failure != null) {
            exchange.setException(failure);
        }
        callback.done(false);
    }
}
