package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Usage on streams. Token limits, the ledger and the metrics need every stream's usage, so the gateway asks
 * OpenAI-schema providers for it ({@code stream_options.include_usage}) whether or not the client did, and takes it
 * back out of what a client that did not ask receives ({@code stream.UsageTap}). A provider whose server rejects
 * the field turns this off with {@code "stream_usage": false} in its {@code config}; an Azure provider asks by
 * default only when its api-version takes the field.
 */
public final class StreamUsage {

    /** The provider {@code config} key; true (the default) or false. */
    public static final String CONFIG_KEY = "stream_usage";
    /** The first Azure api-version with {@code stream_options}. */
    static final String FIRST_AZURE_VERSION = "2024-09-01";

    private StreamUsage() {
    }

    /** Whether the client's own request asked for the usage chunk. */
    public static boolean clientAsked(ObjectNode request) {
        return OpenAiShapes.includeUsage(request);
    }

    /** The provider's {@code config.stream_usage}, or null when it is not set (the schema decides then). */
    public static Boolean configured(JsonNode config) {
        JsonNode flag = config == null ? null : config.get(CONFIG_KEY);
        return flag == null || !flag.isBoolean() ? null : flag.asBoolean();
    }

    /**
     * Whether an Azure {@code api-version} takes {@code stream_options}: Azure rejects the field (400
     * {@code unknown_parameter}) before {@code 2024-09-01-preview}; versions are dates, so they compare as text.
     */
    static boolean azureVersionTakesIt(String apiVersion) {
        return apiVersion != null && apiVersion.compareTo(FIRST_AZURE_VERSION) >= 0;
    }

    /** What is wrong with {@code config.stream_usage}, or null when it is absent, null, true or false. */
    public static String problem(JsonNode config) {
        JsonNode flag = config == null ? null : config.get(CONFIG_KEY);
        return flag == null || flag.isNull() || flag.isBoolean() ? null : "must be true or false";
    }

    /**
     * The request as sent to a provider that is asked for usage: {@code request} itself when it already asks,
     * else a copy of its top level (the messages are shared) with {@code include_usage} added to a copy of its
     * {@code stream_options}, so the client's own request still says what the client asked for.
     */
    static ObjectNode askingForUsage(ObjectNode request) {
        if (clientAsked(request)) {
            return request;
        }
        ObjectNode sent = request.objectNode();
        sent.setAll(request);
        ObjectNode options = request.get("stream_options") instanceof ObjectNode given ? given.deepCopy() : request.objectNode();
        options.put("include_usage", true);
        sent.set("stream_options", options);
        return sent;
    }
}
