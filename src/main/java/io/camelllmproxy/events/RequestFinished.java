package io.camelllmproxy.events;

/**
 * The event the gateway publishes once per finished chat request (plain or streamed, answered or failed): a
 * {@code java.util.Map<String, Object>} with the keys below, sent to {@link #ENDPOINT}. A Map, not a class, so
 * a YAML route reads it without any gateway type ({@code ${body[status]}}, {@code marshal: json}); absent
 * values are null, never left out. Keys are snake_case as in OpenAI's JSON. It never holds a key, a prompt
 * or an answer.
 */
public final class RequestFinished {

    /** Where events go: a user route consumes it with {@code from: seda:llm-request-finished}. */
    public static final String ENDPOINT = "seda:llm-request-finished";

    /** Always {@code llm.request.finished}. */
    public static final String EVENT = "event";
    /** The request's {@code x-request-id} (sent by the client or made by the gateway), as in its log lines. */
    public static final String REQUEST_ID = "request_id";
    /** When the request finished, ISO-8601 UTC. */
    public static final String FINISHED_AT = "finished_at";
    /** The model name the client sent (or the {@code LlmModel} header); null when the body had none. */
    public static final String MODEL = "model";
    /** The provider the model resolved to (its registry name); null when it did not resolve. */
    public static final String PROVIDER = "provider";
    /** The provider's type ({@code openai}, {@code anthropic}, ...); null when the model did not resolve. */
    public static final String PROVIDER_TYPE = "provider_type";
    /** The registry {@code model_id} sent to the provider; null when the model did not resolve. */
    public static final String MODEL_ID = "model_id";
    /** The name of the gateway key the request came with ({@code admin token} for it); null without a key. */
    public static final String KEY_NAME = "key_name";
    /** Whether the client asked for a stream. */
    public static final String STREAM = "stream";
    /** The HTTP status the request ended with (a stream failing after its head: 200, see {@link #ERROR_CODE}). */
    public static final String STATUS = "status";
    /** The OpenAI error code ({@code model_not_found}, {@code upstream_timeout}, ...); null on success. */
    public static final String ERROR_CODE = "error_code";
    /** Prompt tokens the provider reported; null when it reported none (a stream without include_usage). */
    public static final String PROMPT_TOKENS = "prompt_tokens";
    /** Completion tokens the provider reported; null when unknown. */
    public static final String COMPLETION_TOKENS = "completion_tokens";
    /** Total tokens the provider reported; null when unknown. */
    public static final String TOTAL_TOKENS = "total_tokens";
    /** Prompt tokens read from the provider's cache, among the prompt tokens; null when unknown. */
    public static final String CACHED_TOKENS = "cached_tokens";
    /** Reasoning tokens, among the completion tokens; null when unknown. */
    public static final String REASONING_TOKENS = "reasoning_tokens";
    /** What the request cost in USD at the model's prices; 0 for a model without a price. */
    public static final String COST_USD = "cost_usd";
    /** Milliseconds from the request entering the gateway's chat route to its end (a stream: its last byte). */
    public static final String LATENCY_MS = "latency_ms";
    /** Streams: milliseconds until the first chunk was written to the client; null otherwise or if none was. */
    public static final String TIME_TO_FIRST_TOKEN_MS = "time_to_first_token_ms";

    /** The model group the model name resolved to; null for a model. */
    public static final String GROUP = "group";
    /** Provider calls made for a model group (or a retried model), as {@code x-llm-attempts}; null for one plain call. */
    public static final String ATTEMPTS = "attempts";
    /** {@code provider/model_id} of the group member whose answer the client got; null when none answered or no group. */
    public static final String DEPLOYMENT = "deployment";
    /** "provider/model_id: why" for each member a call failed on and that was left; empty without failover. */
    public static final String MEMBERS_LEFT = "members_left";

    /** The value of {@link #EVENT}. */
    public static final String EVENT_NAME = "llm.request.finished";

    private RequestFinished() {
    }
}
