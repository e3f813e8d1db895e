package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Pieces of the OpenAI chat API that every translating schema reads or writes the same way: ids, usage,
 * message text, data URLs, the token limit and the fields a provider cannot honour.
 */
public final class OpenAiShapes {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private OpenAiShapes() {
    }

    /** {@code prefix} followed by 24 random letters and digits, like OpenAI's own ids. */
    public static String newId(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    public static long now() {
        return System.currentTimeMillis() / 1000;
    }

    public static ObjectNode usage(long prompt, long completion, Long cachedPrompt) {
        ObjectNode usage = Json.MAPPER.createObjectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        if (cachedPrompt != null) {
            usage.putObject("prompt_tokens_details").put("cached_tokens", cachedPrompt);
        }
        return usage;
    }

    public static boolean includeUsage(ObjectNode request) {
        return request.path("stream_options").path("include_usage").asBoolean(false);
    }

    /** {@code max_completion_tokens}, else {@code max_tokens}, else the provider default, else {@code fallback}. */
    public static Integer maxTokens(ObjectNode request, Integer providerDefault, Integer fallback) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = request.get(field);
            if (value != null && !value.isNull()) {
                if (!value.canConvertToInt() || value.asInt() < 1) {
                    throw GatewayException.badRequest("invalid_value", field, "'" + field + "' must be a whole number of at least 1");
                }
                return value.asInt();
            }
        }
        return providerDefault != null ? providerDefault : fallback;
    }

    /** A message's content as plain text: a string, or its text parts joined. */
    public static String text(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText())) {
                throw GatewayException.badRequest("invalid_value", param,
                        "'" + param + "' may only hold text parts here, not '" + part.path("type").asText() + "'");
            }
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    /** A {@code data:} URL split into its media type and base64 payload; null for any other URL. */
    public static String[] dataUrl(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int comma = url.indexOf(',');
        int base64 = url.indexOf(";base64");
        if (comma < 0 || base64 < 0 || base64 > comma) {
            return null;
        }
        return new String[] {url.substring(5, base64).toLowerCase(Locale.ROOT), url.substring(comma + 1)};
    }

    /**
     * Refuses request fields the provider cannot honour (more than one choice, log probabilities, audio),
     * rather than answering something other than what was asked.
     */
    public static void rejectUnsupported(ObjectNode request, String provider) {
        JsonNode n = request.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw unsupported("n", provider + " returns one choice per request; 'n' must be 1");
        }
        if (request.path("logprobs").asBoolean(false) || request.has("top_logprobs") && !request.get("top_logprobs").isNull()) {
            throw unsupported("logprobs", provider + " does not return log probabilities");
        }
        if (request.has("audio") && !request.get("audio").isNull()) {
            throw unsupported("audio", provider + " does not produce audio output");
        }
    }

    public static GatewayException unsupported(String param, String message) {
        return new GatewayException(new OpenAiError(400, OpenAiError.INVALID_REQUEST, "unsupported_parameter", param,
                message, null));
    }

    /** A provider's successful answer as JSON; a body that is not JSON is the provider's fault, a 502. */
    public static JsonNode upstreamJson(byte[] body, String provider) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new GatewayException(OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_protocol_error",
                    provider + " answered with a body that is not JSON"));
        }
    }

    /** The function tool calls of an assistant message, or an empty array. */
    public static JsonNode toolCalls(JsonNode message) {
        JsonNode calls = message.get("tool_calls");
        return calls != null && calls.isArray() ? calls : Json.MAPPER.createArrayNode();
    }

    /** Tool-call arguments as JSON: OpenAI sends them as a string, providers want the object. */
    public static JsonNode arguments(JsonNode call, String param) {
        JsonNode arguments = call.path("function").get("arguments");
        if (arguments == null || arguments.isNull() || arguments.isTextual() && arguments.asText().isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!arguments.isTextual()) {
            return arguments;
        }
        try {
            return Json.MAPPER.readTree(arguments.asText());
        } catch (java.io.IOException e) {
            throw GatewayException.badRequest("invalid_value", param, "'" + param + "' is not valid JSON");
        }
    }
}
