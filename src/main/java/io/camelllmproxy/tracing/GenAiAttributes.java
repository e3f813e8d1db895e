package io.camelllmproxy.tracing;

import io.camelllmproxy.events.RequestRecord;
import io.camelllmproxy.registry.ModelTarget;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenTelemetry GenAI semantic-convention attributes of a request span and of a provider attempt span, as pure
 * functions of what the gateway knows. Values are strings because Camel's telemetry span takes only strings.
 */
public final class GenAiAttributes {

    /** What the client asked for: {@code chat}, {@code embeddings}... */
    public static final String OPERATION_NAME = "gen_ai.operation.name";
    /** The provider's wire type (openai, azure, anthropic, ollama...), the same value as the metrics' label. */
    public static final String PROVIDER_NAME = "gen_ai.provider.name";
    /** The model the client named (request span) or the provider's model id (attempt span). */
    public static final String REQUEST_MODEL = "gen_ai.request.model";
    /** The model the provider says answered. */
    public static final String RESPONSE_MODEL = "gen_ai.response.model";
    /** Prompt tokens the provider reported. */
    public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
    /** Completion tokens the provider reported. */
    public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    /** The error code the client got (request span) or the failure of the attempt (attempt span). */
    public static final String ERROR_TYPE = "error.type";
    /** The final HTTP status the client got, or the status the provider answered an attempt with. */
    public static final String STATUS_CODE = "http.response.status_code";
    /** Ours: the provider row's name (several rows may share one type). */
    public static final String GATEWAY_PROVIDER = "llm.provider";
    /** Ours: the model group the request named, when it named one. */
    public static final String GATEWAY_GROUP = "llm.model_group";
    /** Ours: how many provider calls the request made. */
    public static final String GATEWAY_ATTEMPTS = "llm.attempts";
    /** Ours: the request id the client saw in x-request-id. */
    public static final String GATEWAY_REQUEST_ID = "llm.request_id";

    private GenAiAttributes() {
    }

    /** The request span's attributes from its finished record; facts the request never reached are left out. */
    public static Map<String, String> ofRequest(RequestRecord record) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(OPERATION_NAME, record.operation());
        put(tags, REQUEST_MODEL, record.requestedModel());
        put(tags, PROVIDER_NAME, record.providerType());
        put(tags, RESPONSE_MODEL, record.responseModel());
        if (record.usage() != null) {
            tags.put(INPUT_TOKENS, Long.toString(record.usage().input()));
            tags.put(OUTPUT_TOKENS, Long.toString(record.usage().output()));
        }
        put(tags, ERROR_TYPE, record.errorCode());
        tags.put(STATUS_CODE, Integer.toString(record.status()));
        put(tags, GATEWAY_PROVIDER, record.providerName());
        put(tags, GATEWAY_GROUP, record.group());
        if (record.attempts() != null) {
            tags.put(GATEWAY_ATTEMPTS, Integer.toString(record.attempts()));
        }
        put(tags, GATEWAY_REQUEST_ID, record.requestId());
        return tags;
    }

    /** An attempt span's attributes as it starts: which provider and model it calls. */
    public static Map<String, String> ofAttempt(String operation, ModelTarget target) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(OPERATION_NAME, operation);
        if (target != null) {
            put(tags, PROVIDER_NAME, target.providerType());
            put(tags, REQUEST_MODEL, target.modelId());
            put(tags, GATEWAY_PROVIDER, target.providerName());
        }
        return tags;
    }

    private static void put(Map<String, String> tags, String key, String value) {
        if (value != null && !value.isEmpty()) {
            tags.put(key, value);
        }
    }
}
