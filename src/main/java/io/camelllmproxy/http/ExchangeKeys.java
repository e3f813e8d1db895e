package io.camelllmproxy.http;

/** Names of the exchange variables the routes pass between steps (YAML refers to them by these names). */
public final class ExchangeKeys {

    /** The validated client request, a Jackson {@code ObjectNode}. */
    public static final String CHAT_REQUEST = "chatRequest";
    /** The model name the client asked for. */
    public static final String MODEL_NAME = "modelName";
    /** Whether the client asked for a stream ({@code "stream": true}). */
    public static final String STREAM = "stream";
    /** The resolved {@code ModelTarget}: model row, provider row and decrypted key. */
    public static final String TARGET = "target";
    /** The wire schema id the dispatch {@code choice} switches on. */
    public static final String WIRE_SCHEMA = "wireSchema";
    /** The {@code WireTransformer} the dispatch chose. */
    public static final String TRANSFORMER = "transformer";
    /** The {@code UpstreamRequest} the transformer built. */
    public static final String UPSTREAM_REQUEST = "upstreamRequest";
    /** Set once a provider call of the request went out (its outcome is counted in the upstream attempts metric). */
    public static final String UPSTREAM_CALLED = "upstreamCalled";
    /** The client's Vert.x response, captured before any step can replace the message. */
    public static final String CLIENT_RESPONSE = "clientResponse";
    /** The caller's {@code ApiKeyIdentity}, when authentication is on. */
    public static final String IDENTITY = "apiKeyIdentity";
    /** The {@code Attempts} of a request for a model group or a model that may be retried; absent otherwise. */
    public static final String ATTEMPTS = "attempts";
    /** The route that makes one provider call for the request ({@code direct:llm-upstream-call} or a stream's). */
    public static final String UPSTREAM_ROUTE = "upstreamRoute";
    /** The {@code StreamSession} of a streaming request. */
    public static final String STREAM_SESSION = "streamSession";
    /** The request's {@code UsageMeter}: the usage its answer reported. */
    public static final String USAGE_METER = "usageMeter";
    /** The request's id ({@code x-request-id}); the exchange id until the request-id step sets it. */
    public static final String REQUEST_ID = "requestId";

    private ExchangeKeys() {
    }
}
