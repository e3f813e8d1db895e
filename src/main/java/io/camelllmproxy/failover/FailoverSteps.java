package io.camelllmproxy.failover;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.http.RequestBodyRelease;
import io.camelllmproxy.registry.GroupMember;
import io.camelllmproxy.registry.ModelGroup;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.registry.RetryPolicy;
import io.camelllmproxy.stream.StreamSession;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The steps of the failover loop (routes/provider-call.camel.yaml): plan the attempts when the model resolves,
 * choose a member, wait out a Retry-After, and judge each call's outcome. One instance per gateway: it holds the
 * members' shared {@link MemberHealth}.
 */
public final class FailoverSteps {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverSteps.class);

    private final MemberHealth health;
    private final ScheduledExecutorService timer;
    private final Executor workers;

    /** {@code timer} fires waits made off an event loop, {@code workers} runs the route on after them. */
    public FailoverSteps(MemberHealth health, ScheduledExecutorService timer, Executor workers) {
        this.health = health;
        this.timer = timer;
        this.workers = workers;
    }

    public MemberHealth health() {
        return health;
    }

    /** Sets up the attempts of a request for {@code group}; they end with the exchange. */
    public void planGroup(Exchange exchange, ModelGroup group) {
        plan(exchange, Attempts.forGroup(group, health));
    }

    /**
     * Sets up the attempts of a request for a plain model when its provider's {@code config.retry} allows more than
     * one call; otherwise the request goes the plain way (one call, no loop).
     */
    public void planModel(Exchange exchange, ModelTarget target) {
        RetryPolicy retry = ProviderRetry.of(target.config());
        if (retry.attempts() > 1) {
            plan(exchange, Attempts.forModel(target, retry));
        }
    }

    private void plan(Exchange exchange, Attempts attempts) {
        exchange.setVariable(ExchangeKeys.ATTEMPTS, attempts);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                attempts.release(health);
                log(done, attempts);
            }
        });
    }

    /** The loop's first step: the member to call, as the request's target (or the failure that ends the loop). */
    public Processor choose() {
        return exchange -> {
            Attempts attempts = attempts(exchange);
            GroupMember member = attempts.choose(health, System.nanoTime());
            ModelTarget target = member.target();
            if (target.credentialError() != null) {
                throw new GatewayException(OpenAiError.of(500, OpenAiError.SERVER_ERROR, "provider_credentials_unreadable",
                        "The API key stored for provider '" + target.providerName() + "' cannot be decrypted ("
                                + target.credentialError() + "); check AUTH_ENCRYPTION_SECRET"));
            }
            exchange.setVariable(ExchangeKeys.TARGET, target);
            exchange.setVariable(ExchangeKeys.WIRE_SCHEMA, target.wireSchema().id());
        };
    }

    /**
     * Waits out the chosen member's Retry-After without a thread: on the request's event loop when the route runs
     * there (a stream), else on a timer that hands the route back to a worker thread (the blocking call needs one).
     */
    public AsyncProcessor await() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                long ms = attempts(exchange).waitMs();
                if (ms <= 0) {
                    callback.done(true);
                    return true;
                }
                Context context = Vertx.currentContext();
                if (context != null && Context.isOnEventLoopThread()) {
                    context.owner().setTimer(ms, id -> callback.done(false));
                } else {
                    timer.schedule(() -> resumeOnWorker(callback), ms, TimeUnit.MILLISECONDS);
                }
                return false;
            }
        };
    }

    private void resumeOnWorker(AsyncCallback callback) {
        try {
            workers.execute(() -> callback.done(false));
        } catch (RejectedExecutionException e) {
            callback.done(false);
        }
    }

    /** After the member's answer was accepted (a 2xx head; a stream's first event): the loop ends. */
    public Processor succeeded() {
        return exchange -> {
            attempts(exchange).succeeded(health);
            RequestBodyRelease.release(exchange);
        };
    }

    /**
     * In the loop's doCatch: the failure is thrown on unless another attempt may mend it and nothing has reached the
     * client yet; the member's stream, if any, is stopped first.
     */
    public Processor failed() {
        return exchange -> {
            Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            RuntimeException thrown = failure instanceof RuntimeException r ? r : new UpstreamFailure(failure);
            StreamSession session = exchange.getVariable(ExchangeKeys.STREAM_SESSION, StreamSession.class);
            if (session != null) {
                session.abortUpstream();
            }
            Attempts attempts = attempts(exchange);
            ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
            FailoverRules.Verdict verdict = FailoverRules.judge(failure, target == null ? null : target.providerName());
            boolean mayRetry = session == null || (!session.isCommitted() && !session.isClientGone());
            attempts.failed(health, thrown, verdict, mayRetry, System.nanoTime());
        };
    }

    /** The request's log line: which members were left and why, whenever one was (quiet when the first answered). */
    private static void log(Exchange exchange, Attempts attempts) {
        if (attempts.left().isEmpty() || !LOG.isInfoEnabled()) {
            return;
        }
        GroupMember answered = exchange.getException() == null ? attempts.deployment() : null;
        LOG.info("Request {} for {}: {} after {} call(s); left {}", exchange.getExchangeId(), attempts.describe(),
                answered != null ? "answered by " + answered.deployment() : "failed", attempts.calls(),
                String.join("; ", attempts.left()));
    }

    private static Attempts attempts(Exchange exchange) {
        return exchange.getVariable(ExchangeKeys.ATTEMPTS, Attempts.class);
    }

    /** A checked failure carried through the loop's rethrow unchanged in meaning. */
    private static final class UpstreamFailure extends RuntimeException {
        UpstreamFailure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
