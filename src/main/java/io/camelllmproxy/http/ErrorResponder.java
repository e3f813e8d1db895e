package io.camelllmproxy.http;

import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.stream.StreamSession;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Answers a failed request in the OpenAI error shape. Before the first byte of a stream that is an
 * ordinary HTTP error; after it, one in-band {@code data: {"error":...}} event, {@code [DONE]}, and the end.
 */
public class ErrorResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        StreamSession session = exchange.getVariable(ExchangeKeys.STREAM_SESSION, StreamSession.class);
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        ProviderCredential key = target == null ? ProviderCredential.NONE : target.credential();
        // a call aborted because its client left fails like a broken upstream: that is not the provider's fault;
        // otherwise this is the last relay point of every error, in-band or not: whatever the provider echoed is masked
        OpenAiError error = clientGone(exchange, session) ? null
                : key.mask(ErrorMapping.toOpenAi(failure, target == null ? null : target.providerName()));
        log(exchange.getFromRouteId(), failure, error, key);
        Message message = exchange.getMessage();
        if (session != null) {
            session.abortUpstream();
            if (!session.releaseUncommitted()) {
                // The SSE head is out: the error can only travel in-band, as one event before the end.
                if (error != null && !session.isClientGone()) {
                    sendInBand(session, error);
                }
                session.end();
                message.setBody(null);
                return;
            }
        }
        if (error == null) {
            error = OpenAiError.of(499, OpenAiError.INVALID_REQUEST, "client_closed_request", "The client closed the request");
        }
        message.removeHeaders("*");
        error.headers().forEach(message::setHeader);
        AttemptHeaders.of(exchange).forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, error.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(error.toBytes());
    }

    private static boolean clientGone(Exchange exchange, StreamSession session) {
        if (session != null && session.isClientGone()) {
            return true;
        }
        return exchange.getProperty(AdmissionControl.RequestContext.PROPERTY) instanceof AdmissionControl.RequestContext context
                && context.clientGone();
    }

    private static void sendInBand(StreamSession session, OpenAiError error) {
        try {
            session.sendData(Json.compactString(error.toJson()));
            session.sendDone();
        } catch (java.io.IOException e) {
            // the client left while the error was being written
        }
    }

    private static String stackTrace(Throwable failure) {
        if (failure == null) {
            return "(no exception recorded)";
        }
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString().stripTrailing();
    }

    /** Logs a failure as its weight deserves; {@code error} null means the client left. Shared with the in-JVM entry. */
    public static void log(String route, Throwable failure, OpenAiError error, ProviderCredential key) {
        if (error == null) {
            LOG.info("[{}] client closed the connection before the answer was complete; upstream call stopped", route);
        } else if (ErrorMapping.unexpected(error)) {
            // logged as text: the stack trace is kept, and an upstream value in any message of the chain is masked
            LOG.error("[{}] unexpected failure: {}", route, key.mask(stackTrace(failure)));
        } else if (error.status() >= 500) {
            LOG.warn("[{}] {} {}: {}", route, error.status(), error.code(), error.message());
            if (LOG.isDebugEnabled() && failure != null) {
                LOG.debug("[{}] cause: {}", route, key.mask(String.valueOf(failure)));
            }
        } else {
            LOG.debug("[{}] {} {}: {}", route, error.status(), error.code(), error.message());
        }
    }
}
