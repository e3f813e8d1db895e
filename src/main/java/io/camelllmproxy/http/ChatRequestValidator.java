package io.camelllmproxy.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.transform.Json;

import java.io.IOException;

/**
 * Parses and checks a chat-completions body: only what the gateway itself relies on (the body is an object,
 * {@code model}, {@code messages}, {@code stream}). Every other field is the provider's to judge, so
 * fields this gateway does not know still reach it.
 */
public final class ChatRequestValidator {

    private ChatRequestValidator() {
    }

    public static ObjectNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayException.badRequest("invalid_request_body", null, "The request body is empty; send a JSON object");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("invalid_json", null,
                    "The request body is not valid JSON: " + Json.problem(e));
        } catch (IOException e) {
            throw GatewayException.badRequest("invalid_json", null, "The request body could not be read as JSON");
        }
        if (!(root instanceof ObjectNode request)) {
            throw GatewayException.badRequest("invalid_request_body", null, "The request body must be a JSON object");
        }
        validate(request);
        return request;
    }

    static void validate(ObjectNode request) {
        JsonNode model = request.get("model");
        if (model == null || model.isNull()) {
            throw GatewayException.badRequest("missing_required_parameter", "model", "'model' is required");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw GatewayException.badRequest("invalid_type", "model", "'model' must be a non-empty string");
        }
        JsonNode messages = request.get("messages");
        if (messages == null || messages.isNull()) {
            throw GatewayException.badRequest("missing_required_parameter", "messages", "'messages' is required");
        }
        if (!messages.isArray()) {
            throw GatewayException.badRequest("invalid_type", "messages", "'messages' must be an array");
        }
        if (messages.isEmpty()) {
            throw GatewayException.badRequest("invalid_value", "messages", "'messages' must contain at least one message");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            if (!message.isObject()) {
                throw GatewayException.badRequest("invalid_type", param, "'" + param + "' must be an object");
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual() || role.asText().isBlank()) {
                throw GatewayException.badRequest("invalid_type", param + ".role",
                        "'" + param + ".role' must be a non-empty string");
            }
            JsonNode content = message.get("content");
            if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                throw GatewayException.badRequest("invalid_type", param + ".content",
                        "'" + param + ".content' must be a string or an array of content parts");
            }
        }
        JsonNode stream = request.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw GatewayException.badRequest("invalid_type", "stream", "'stream' must be a boolean");
        }
        JsonNode options = request.get("stream_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw GatewayException.badRequest("invalid_type", "stream_options", "'stream_options' must be an object");
        }
    }
}
