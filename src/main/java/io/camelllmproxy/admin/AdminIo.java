package io.camelllmproxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.IOException;
import java.util.Locale;

/** Reading admin requests and writing admin answers. */
final class AdminIo {

    /** Admin payloads are small; anything larger is refused before it is parsed. */
    static final int MAX_BODY = 256 * 1024;

    private AdminIo() {
    }

    static ObjectNode body(Exchange exchange) {
        Message in = exchange.getIn();
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new GatewayException(OpenAiError.of(415, OpenAiError.INVALID_REQUEST, "unsupported_media_type",
                    "Content-Type must be application/json"));
        }
        byte[] raw = in.getBody(byte[].class);
        if (raw == null || raw.length == 0) {
            throw GatewayException.badRequest("invalid_request_body", null, "The request body is empty; send a JSON object");
        }
        if (raw.length > MAX_BODY) {
            throw new GatewayException(OpenAiError.of(413, OpenAiError.INVALID_REQUEST, "request_too_large",
                    "Admin request bodies are limited to " + MAX_BODY + " bytes"));
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("invalid_json", null, "The request body is not valid JSON: " + Json.problem(e));
        } catch (IOException e) {
            throw GatewayException.badRequest("invalid_json", null, "The request body could not be read as JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw GatewayException.badRequest("invalid_request_body", null, "The request body must be a JSON object");
        }
        return object;
    }

    static String param(Exchange exchange, String name) {
        return exchange.getIn().getHeader(name, String.class);
    }

    /** A boolean query parameter; absent gives {@code fallback}, anything but true/false is a 422. */
    static boolean flag(Exchange exchange, String name, boolean fallback) {
        String value = param(exchange, name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw invalidQuery(name, "must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    static int intParam(Exchange exchange, String name, int fallback, int min, int max) {
        String value = param(exchange, name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalidQuery(name, "must be a whole number from " + min + " to " + max);
    }

    static GatewayException invalidQuery(String name, String message) {
        return new GatewayException(new OpenAiError(422, OpenAiError.INVALID_REQUEST, "validation_failed", name,
                name + " " + message, null));
    }

    static GatewayException notFound(String what, String id) {
        return new GatewayException(new OpenAiError(404, OpenAiError.INVALID_REQUEST, "not_found", "id",
                "No " + what + " with id '" + (id == null ? "" : id.replaceAll("[^A-Za-z0-9_-]", "?")) + "'", null));
    }

    static GatewayException conflict(String field, String message) {
        return new GatewayException(new OpenAiError(409, OpenAiError.INVALID_REQUEST, "conflict", field, message, null));
    }

    static void reply(Exchange exchange, int status, JsonNode body) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(Json.compact(body));
    }

    static void noContent(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        message.setBody(null);
    }
}
