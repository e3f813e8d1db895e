package io.camelllmproxy.stream;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One wait for a group member's first stream event (StreamProcessors#firstEvent): whichever comes first of the
 * event (or the stream's end), a failure before any event, and the first-token timeout ends it, once.
 */
final class FirstEventWait {

    private final Exchange exchange;
    private final AsyncCallback callback;
    private final PushedEvents pushed;
    private final Long timeoutMs;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile long timerId = -1;
    private volatile Vertx vertx;

    FirstEventWait(Exchange exchange, AsyncCallback callback, PushedEvents pushed, Long timeoutMs) {
        this.exchange = exchange;
        this.callback = callback;
        this.pushed = pushed;
        this.timeoutMs = timeoutMs;
    }

    /** The AsyncProcessor's answer: true when the wait is already over (the callback ran on this thread). */
    boolean start() {
        Context context = Vertx.currentContext();
        if (timeoutMs != null && context != null) {
            vertx = context.owner();
            timerId = vertx.setTimer(Math.max(1, timeoutMs), id -> timedOut());
        }
        if (!pushed.whenReady(() -> ready(false))) {
            ready(true);
            return true;
        }
        return false;
    }

    private void ready(boolean sync) {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        // after the heartbeat sent the head this still fails the call (no failover then, an in-band error), so a
        // member whose streams break is not counted as one that answered
        RuntimeException failure = pushed.failureBeforeEvents();
        if (failure != null) {
            exchange.setException(failure);
        }
        callback.done(sync);
    }

    /** The member is left: failed over while the head is not out, else the stream ends with an error event. */
    private void timedOut() {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        pushed.abort();
        exchange.setException(new GatewayException(OpenAiError.of(504, OpenAiError.UPSTREAM_ERROR, "upstream_timeout",
                "provider '" + target.providerName() + "' sent no event within first_token_timeout_ms ("
                        + timeoutMs + " ms)")));
        callback.done(false);
    }

    private void cancelTimer() {
        if (timerId >= 0 && vertx != null) {
            vertx.cancelTimer(timerId);
        }
    }
}
