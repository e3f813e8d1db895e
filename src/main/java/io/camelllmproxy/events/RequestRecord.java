package io.camelllmproxy.events;

import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.usage.TokenUsage;

import java.time.Instant;
import java.util.List;

/**
 * The facts of one finished request that got past authentication, answered or failed: what the metrics, the
 * usage ledger, budgets, the access log and the {@link RequestFinished} event are made from. Built once per
 * request when it is done ({@link RequestRecords}); it never holds a key, a prompt or an answer.
 *
 * @param requestId      the request's {@code x-request-id}
 * @param startedAt      when the request entered the gateway
 * @param operation      the GenAI operation ({@code chat})
 * @param keyId          the gateway key's id ({@code admin-token} for the admin token); null without a key
 * @param keyName        the gateway key's name; null without a key
 * @param requestedModel the model name the client sent; null when it sent none or was refused before it was read
 * @param group          the model group the name resolved to; null for a model
 * @param providerName   the provider that answered (or was last called); null when the model did not resolve
 * @param providerType   that provider's type ({@code openai}, {@code anthropic}, ...)
 * @param modelId        the {@code model_id} sent to that provider
 * @param responseModel  the {@code model} the provider's answer named; null when unknown
 * @param stream         whether the client asked for a stream
 * @param status         the HTTP status the client got (a stream that failed after its head: 200)
 * @param errorCode      the OpenAI error code the client got; null on success
 * @param usage          the tokens the provider reported; null when it reported none
 * @param costUsd        what the usage cost at the model's prices; 0 when unpriced or without usage
 * @param priced         whether the model had a price
 * @param latencyNanos   from entering the gateway to the last byte
 * @param firstTokenNanos streams: from entering the gateway to the first chunk written; null otherwise
 * @param attempts       provider calls made for a group or a retried model; null for one plain call
 * @param deployment     {@code provider/model_id} of the group member that answered; null otherwise
 * @param membersLeft    "provider/model_id: why" for each member left by failover
 */
public record RequestRecord(String requestId, Instant startedAt, String operation, String keyId, String keyName,
                            String requestedModel, String group, String providerName, String providerType,
                            String modelId, String responseModel, boolean stream, int status, String errorCode,
                            TokenUsage usage, double costUsd, boolean priced, long latencyNanos,
                            Long firstTokenNanos, Integer attempts, String deployment, List<String> membersLeft) {

    /** The GenAI operation name of chat completions. */
    public static final String CHAT = "chat";

    /**
     * A request refused before any route ran (a rate limit or a budget at the gate): nothing was resolved or
     * called.
     */
    public static RequestRecord refused(String requestId, Instant startedAt, ApiKeyIdentity identity, String operation,
                                        int status, String errorCode, long latencyNanos) {
        return new RequestRecord(requestId, startedAt, operation, identity == null ? null : identity.keyId(),
                identity == null ? null : identity.name(), null, null, null, null, null, null, false, status,
                errorCode, null, 0, false, latencyNanos, null, null, null, List.of());
    }

    /** Whether the client got an error: an error code, or an error status (a provider's error relayed without a code). */
    public boolean failed() {
        return errorCode != null || status >= 400;
    }
}
