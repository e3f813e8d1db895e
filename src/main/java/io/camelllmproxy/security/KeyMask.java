package io.camelllmproxy.security;

import io.camelllmproxy.error.OpenAiError;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hides a provider key in anything the gateway relays or logs from that provider: an upstream may echo the
 * key it received in any error field, header or stream event, and whatever it echoes must not reach a client
 * or a log line. Every relay point goes through this one function.
 */
public final class KeyMask {

    /** What a key is replaced with. */
    public static final String MASK = "*****";

    /** Shorter values are not masked: replacing every "abc" in a message would mangle it and hide nothing. */
    private static final int MIN_KEY_LENGTH = 4;

    private KeyMask() {
    }

    /** {@code text} with every occurrence of {@code key} (as sent, or URL-encoded) replaced by {@link #MASK}. */
    public static String mask(String text, String key) {
        if (text == null || key == null || key.length() < MIN_KEY_LENGTH) {
            return text;
        }
        String masked = text.contains(key) ? text.replace(key, MASK) : text;
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        return !encoded.equals(key) && masked.contains(encoded) ? masked.replace(encoded, MASK) : masked;
    }

    /** The header values masked; names are the gateway's own choice and stay. */
    public static Map<String, String> mask(Map<String, String> headers, String key) {
        if (key == null || headers.isEmpty()) {
            return headers;
        }
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> out.put(name, mask(value, key)));
        return out;
    }

    /** The error with its message, type, code, param and headers masked. */
    public static OpenAiError mask(OpenAiError error, String key) {
        if (error == null || key == null || key.length() < MIN_KEY_LENGTH) {
            return error;
        }
        return new OpenAiError(error.status(), mask(error.type(), key), mask(error.code(), key), mask(error.param(), key),
                mask(error.message(), key), mask(error.headers(), key), error.fields());
    }
}
