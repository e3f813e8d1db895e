package io.camelllmproxy.embed;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.failover.Attempts;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.http.ErrorResponder;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.stream.CallerChunks;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Brings an in-JVM call's outcome back from the gateway's copy (the {@code enrich} of the entry route) to the
 * caller's exchange, and nothing else: the body (the completion JSON as a String, or the stream's
 * {@link CallerChunks}), {@code LlmStatus} and {@code LlmRequestId}, or a {@link GatewayException} as the caller's failure. The copy's
 * headers and variables (the decrypted provider key among them) stay on the copy.
 */
public class InJvmCallResult implements AggregationStrategy {

    /** Header with the HTTP status the call would have had (200 when it did not fail). */
    public static final String STATUS = "LlmStatus";
    /** Header with the provider calls a model group's answer took (as x-llm-attempts); absent for a plain model. */
    public static final String ATTEMPTS = "LlmAttempts";
    /** Header with the group member that answered, {@code provider/model_id} (as x-llm-deployment). */
    public static final String DEPLOYMENT = "LlmDeployment";
    /** The entry route's id: an exchange that starts there comes from a ProducerTemplate, not a route. */
    static final String ENTRY_ROUTE = "llm-chat-completions";

    @Override
    public Exchange aggregate(Exchange caller, Exchange call) {
        // the gateway key is consumed by the call: left on the caller, a later to: (Kafka, HTTP) would send it on
        caller.getMessage().removeHeader(InJvmChatRequest.API_KEY);
        String requestId = call.getVariable(ExchangeKeys.REQUEST_ID, String.class);
        if (requestId != null) {
            // the id the call was logged, recorded and sent to the provider under, answered or failed
            caller.getMessage().setHeader(InJvmChatRequest.REQUEST_ID, requestId);
        }
        Attempts attempts = call.getVariable(ExchangeKeys.ATTEMPTS, Attempts.class);
        if (attempts != null) {
            // a group's outcome, answered or failed, as an HTTP client sees it in x-llm-attempts / x-llm-deployment
            caller.getMessage().setHeader(ATTEMPTS, attempts.calls());
            caller.getMessage().setHeader(DEPLOYMENT, attempts.deployment() == null ? null : attempts.deployment().deployment());
        }
        Exception failure = call.getException();
        Object body = call.getMessage().getBody();
        if (failure != null) {
            if (body instanceof CallerChunks chunks) {
                chunks.close();
            }
            caller.setException(asGatewayException(failure, call));
            return caller;
        }
        Message message = caller.getMessage();
        if (body instanceof CallerChunks chunks) {
            message.setBody(chunks);
            if (!ENTRY_ROUTE.equals(caller.getFromRouteId())) {
                // a route that did not read the stream to the end (or failed part-way) must not leave the
                // provider generating: the call ends with the caller's exchange
                caller.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                    @Override
                    public void onDone(Exchange exchange) {
                        chunks.close();
                    }
                });
            }
        } else {
            message.setBody(call.getMessage().getBody(String.class));
        }
        message.setHeader(STATUS, 200);
        return caller;
    }

    /** The failure as the caller sees it: what an HTTP client would have got, the provider's key masked. */
    private static GatewayException asGatewayException(Exception failure, Exchange call) {
        ModelTarget target = call.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        ProviderCredential key = target == null ? ProviderCredential.NONE : target.credential();
        OpenAiError error = ErrorMapping.toOpenAi(failure, target == null ? null : target.providerName());
        if (error == null) {
            error = OpenAiError.of(499, OpenAiError.INVALID_REQUEST, "client_closed_request", "The call was abandoned");
        }
        error = key.mask(error);
        ErrorResponder.log(ENTRY_ROUTE, failure, error, key);
        return failure instanceof GatewayException same && same.error().equals(error) ? same : new GatewayException(error);
    }
}
