package io.camelllmproxy.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.transform.Json;

import java.util.Map;

/**
 * An error as OpenAI shapes it, with the HTTP status it travels with and any headers the client needs
 * (Retry-After, x-ratelimit-*).
 */
public record OpenAiError(int status, String type, String code, String param, String message,
                          Map<String, String> headers, JsonNode fields) {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String SERVER_ERROR = "server_error";
    public static final String UPSTREAM_ERROR = "upstream_error";

    public OpenAiError {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public OpenAiError(int status, String type, String code, String param, String message, Map<String, String> headers) {
        this(status, type, code, param, message, headers, null);
    }

    public static OpenAiError of(int status, String type, String code, String message) {
        return new OpenAiError(status, type, code, null, message, Map.of());
    }

    /** {@code {"error":{"message","type","param","code"}}}, every member present as OpenAI sends it. */
    public ObjectNode toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        if (fields != null) {
            // one entry per invalid field, so a form can show each message beside its field
            error.set("fields", fields);
        }
        return root;
    }

    public byte[] toBytes() {
        return Json.compact(toJson());
    }
}
