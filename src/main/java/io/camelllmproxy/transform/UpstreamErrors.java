package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.security.ProviderCredential;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Maps an upstream error body to the OpenAI error shape, keeping the status and the upstream's own
 * message, and masking the provider key in every field, wherever an upstream echoes it back.
 */
public final class UpstreamErrors {

    private static final int MAX_MESSAGE = 2000;

    private UpstreamErrors() {
    }

    public static OpenAiError fromBody(int status, byte[] body, ProviderCredential credential) {
        String type = null;
        String code = null;
        String param = null;
        String message = null;
        JsonNode root = parse(body);
        if (root != null) {
            JsonNode error = root.get("error");
            if (error != null && error.isObject()) {
                message = text(error.get("message"));
                type = text(error.get("type"));
                code = text(error.get("code"));
                param = text(error.get("param"));
            } else if (error != null && error.isTextual()) {
                message = error.asText();
            }
            if (message == null) {
                message = firstText(root, "message", "detail", "error_description");
            }
        }
        if (message == null) {
            String raw = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
            message = raw.isEmpty() ? "The upstream provider answered HTTP " + status + " with no body" : raw;
        }
        // masked before it is cut, or a key straddling the cut would leave its first characters behind
        message = credential.mask(message);
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        return credential.mask(new OpenAiError(status, type != null ? type : typeFor(status), code, param, message,
                Map.of()));
    }

    public static String typeFor(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? OpenAiError.UPSTREAM_ERROR : OpenAiError.INVALID_REQUEST;
        };
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String firstText(JsonNode root, String... names) {
        for (String name : names) {
            String value = text(root.get(name));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
