package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.transform.Json;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Secret values inside a provider's {@code config}: stored encrypted in ContextForge's wrapper
 * {@code {"_mcpgateway_encrypted_value_v1": "<blob>"}}, shown as {@code *****}, and kept as stored when a
 * client sends {@code *****} back. A field is secret when its name says so (key, secret, token, password,
 * credential) or when it is already stored in the wrapper.
 */
final class ConfigSecrets {

    static final String MASK = "*****";
    static final String WRAPPER = "_mcpgateway_encrypted_value_v1";

    private ConfigSecrets() {
    }

    static boolean secretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("key") || n.contains("secret") || n.contains("token") || n.contains("password")
                || n.contains("credential");
    }

    /** The config to store: secret fields encrypted, masked ones taken from {@code stored}. */
    static ObjectNode protect(ObjectNode incoming, JsonNode stored, CredentialCipher cipher) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = incoming.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            JsonNode before = stored == null ? null : stored.get(name);
            if (value.isTextual() && MASK.equals(value.asText())) {
                if (before != null) {
                    out.set(name, before);
                }
            } else if (isWrapped(value)) {
                out.set(name, value);
            } else if (secretName(name) && !value.isNull()) {
                out.putObject(name).put(WRAPPER, cipher.encryptConfigSecret(value));
            } else if (value.isObject()) {
                out.set(name, protect((ObjectNode) value, before, cipher));
            } else {
                out.set(name, value);
            }
        }
        return out;
    }

    /** The config as clients see it: every secret replaced by {@code *****}. */
    static ObjectNode mask(JsonNode stored) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (stored == null || !stored.isObject()) {
            return out;
        }
        stored.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (isWrapped(value) || secretName(field.getKey()) && !value.isNull()) {
                out.put(field.getKey(), MASK);
            } else if (value.isObject()) {
                out.set(field.getKey(), mask(value));
            } else {
                out.set(field.getKey(), value);
            }
        });
        return out;
    }

    static boolean isWrapped(JsonNode value) {
        return value != null && value.isObject() && value.size() == 1 && value.path(WRAPPER).isTextual();
    }
}
