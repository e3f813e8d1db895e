package io.camelllmproxy.failover;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.http.RequestBodyRelease;
import io.camelllmproxy.metrics.UpstreamAttempts;
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
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
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
    private final UpstreamAttempts calls;

    /**
     * {@code timer} fires waits made off an event loop, {@code workers} runs the route on after them; {@code calls}
     * counts each provider call's outcome.
     */
    public FailoverSteps(MemberHealth health, ScheduledExecutorService timer, Executor workers, UpstreamAttempts calls) {
        this.health = health;
        this.timer = timer;
        this.workers = workers;
        this.calls = calls;
    }

    /** Sets up the attempts of a request for {@code group}; they end with the exchange. */
    public void planGroup(Exchange exchange, ModelGroup group) {
        plan(exchange, Attempts.forGroup(group, health));
    }

    /** A request for a group none of whose members can serve: its 404 still says no call was made. */
    public void planUnservable(Exchange exchange, String groupName) {
        exchange.setVariable(ExchangeKeys.ATTEMPTS, Attempts.none(groupName, health));
    }

    /**
     * Sets up the attempts of a request for a plain model when its provider's {@code config.retry} allows more than
     * one call; otherwise the request goes the plain way (one call, no loop), counted in flight for least-busy groups
     * the model is in.
     */
    public void planModel(Exchange exchange, ModelTarget target) {
        RetryPolicy retry = ProviderRetry.of(target.config());
        if (retry.attempts() > 1) {
            plan(exchange, Attempts.forModel(target, retry, health));
            return;
        }
        String member = target.modelRowId();
        health.started(member);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                health.finished(member);
                if (done.getVariable(ExchangeKeys.UPSTREAM_CALLED) != null) {
                    // the plain way's one call: answered, or what the request failed with (a stream: to its end)
                    Throwable failure = done.getException() != null ? done.getException()
                            : done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
                    calls.attempted(target.providerName(), failure);
                }
            }
        });
    }

    private void plan(Exchange exchange, Attempts attempts) {
        exchange.setVariable(ExchangeKeys.ATTEMPTS, attempts);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                attempts.release();
                log(done, attempts);
            }
        });
    }

    /** The loop's first step: the member to call, as the request's target (or the failure that ends the loop). */
    public Processor choose() {
        return exchange -> {
            Attempts attempts = attempts(exchange);
            // unset until the member's transformer built the call: a failure before that sent nothing
            exchange.removeVariable(ExchangeKeys.UPSTREAM_REQUEST);
            GroupMember member = attempts.choose(System.nanoTime(), headSent(exchange));
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
                Runnable resume = () -> {
                    if (headSent(exchange) && attempts(exchange).failedBefore()) {
                        // the heartbeat sent the head meanwhile: no member but the one that failed may answer now
                        exchange.setException(attempts(exchange).giveUp());
                    }
                    callback.done(false);
                };
                Context context = Vertx.currentContext();
                if (context != null && Context.isOnEventLoopThread()) {
                    context.owner().setTimer(ms, id -> resume.run());
                } else {
                    timer.schedule(() -> resumeOnWorker(resume), ms, TimeUnit.MILLISECONDS);
                }
                return false;
            }
        };
    }

    private void resumeOnWorker(Runnable resume) {
        try {
            workers.execute(resume);
        } catch (RejectedExecutionException e) {
            resume.run();
        }
    }

    /**
     * After the member's answer was accepted: a plain answer read whole (a connection that breaks while it is read
     * still fails over: nothing has reached the client), a stream's first event there. The loop ends.
     */
    public Processor succeeded() {
        return exchange -> {
            if (!Boolean.TRUE.equals(exchange.getVariable(ExchangeKeys.STREAM, Boolean.class))) {
                Message message = exchange.getMessage();
                try (InputStream body = message.getBody(InputStream.class)) {
                    message.setBody(body == null ? new byte[0] : body.readAllBytes());
                }
            }
            attempts(exchange).succeeded();
            ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
            calls.attempted(target == null ? null : target.providerName(), null);
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
            boolean sent = exchange.getVariable(ExchangeKeys.UPSTREAM_REQUEST) != null;
            boolean mayRetry = session == null || (!session.isCommitted() && !session.isClientGone());
            if (sent) {
                calls.attempted(target == null ? null : target.providerName(), failure);
            }
            attempts.failed(thrown, verdict, sent, mayRetry, System.nanoTime());
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

    private static boolean headSent(Exchange exchange) {
        StreamSession session = exchange.getVariable(ExchangeKeys.STREAM_SESSION, StreamSession.class);
        return session != null && session.isCommitted();
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
