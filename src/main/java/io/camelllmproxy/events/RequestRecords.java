package io.camelllmproxy.events;

import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.failover.Attempts;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.stream.CallerChunks;
import io.camelllmproxy.stream.StreamProcessors;
import io.camelllmproxy.stream.StreamSession;
import io.camelllmproxy.usage.TokenUsage;
import io.camelllmproxy.usage.UsageMeter;
import io.camelllmproxy.usage.UsageMeters;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.util.List;

/** Builds the {@link RequestRecord} of a finished chat exchange from what its steps left on it. */
public final class RequestRecords {

    private RequestRecords() {
    }

    /** The record of a finished exchange that started at {@code startedNanos} ({@link System#nanoTime()}). */
    public static RequestRecord of(Exchange exchange, Instant startedAt, long startedNanos, long finishedNanos) {
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        ApiKeyIdentity identity = exchange.getVariable(ExchangeKeys.IDENTITY, ApiKeyIdentity.class);
        StreamSession session = exchange.getVariable(ExchangeKeys.STREAM_SESSION, StreamSession.class);
        CallerChunks chunks = exchange.getVariable(StreamProcessors.CALLER_CHUNKS, CallerChunks.class);
        Attempts attempts = exchange.getVariable(ExchangeKeys.ATTEMPTS, Attempts.class);
        OpenAiError error = error(exchange, target, session);
        if (error == null && chunks != null) {
            error = chunks.endedWith();
        }
        UsageMeter meter = UsageMeters.existing(exchange);
        TokenUsage usage = meter == null ? null : meter.usage();
        String responseModel = meter == null ? null : meter.responseModel();
        long firstChunk = session != null ? session.firstChunkNanos() : chunks != null ? chunks.firstChunkNanos() : 0;
        return new RequestRecord(requestId(exchange), startedAt, RequestRecord.CHAT,
                identity == null ? null : identity.keyId(), identity == null ? null : identity.name(),
                exchange.getVariable(ExchangeKeys.MODEL_NAME, String.class),
                attempts == null ? null : attempts.groupName(),
                target == null ? null : target.providerName(), target == null ? null : target.providerType(),
                target == null ? null : target.modelId(), responseModel,
                Boolean.TRUE.equals(exchange.getVariable(ExchangeKeys.STREAM, Boolean.class)),
                chunks != null ? 200 : status(exchange, error, session), error == null ? null : error.code(), usage,
                meter == null ? 0 : meter.cost().doubleValue(), target != null && target.price().priced(),
                finishedNanos - startedNanos, firstChunk == 0 ? null : firstChunk - startedNanos,
                attempts == null ? null : attempts.calls(),
                attempts == null || attempts.deployment() == null ? null : attempts.deployment().deployment(),
                attempts == null ? List.of() : attempts.left());
    }

    /** The request's {@code x-request-id}, or the exchange id when none was given to it. */
    public static String requestId(Exchange exchange) {
        String id = exchange.getVariable(ExchangeKeys.REQUEST_ID, String.class);
        return id != null ? id : exchange.getExchangeId();
    }

    /** The failure as the client saw it, from the exception the request failed with or that its error handler caught. */
    private static OpenAiError error(Exchange exchange, ModelTarget target, StreamSession session) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            return null;
        }
        if (session != null && session.isClientGone()) {
            return OpenAiError.of(499, OpenAiError.INVALID_REQUEST, "client_closed_request", "The client closed the request");
        }
        if (failure instanceof GatewayException gateway) {
            return gateway.error();
        }
        return ErrorMapping.toOpenAi(failure, target == null ? null : target.providerName());
    }

    private static int status(Exchange exchange, OpenAiError error, StreamSession session) {
        Integer answered = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (session != null && session.isCommitted()) {
            return 200;
        }
        if (answered != null) {
            return answered;
        }
        return error == null ? 200 : error.status();
    }
}
