package io.camelllmproxy.config;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed reads of the gateway's properties. Camel's properties component resolves each key from, in order,
 * a {@code -D} system property, an environment variable ({@code llm.db.url} as {@code LLM_DB_URL}), and
 * {@code application.properties}.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public String string(String key, String fallback) {
        return properties.resolveProperty(key).map(String::trim).orElse(fallback);
    }

    public String required(String key) {
        return properties.resolveProperty(key).map(String::trim)
                .orElseThrow(() -> new IllegalStateException("the property " + key + " is not set"));
    }

    public int integer(String key, int fallback) {
        String value = string(key, null);
        try {
            return value == null || value.isEmpty() ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the property " + key + " must be a whole number, not '" + value + "'");
        }
    }

    public long longValue(String key, long fallback) {
        String value = string(key, null);
        try {
            return value == null || value.isEmpty() ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the property " + key + " must be a whole number, not '" + value + "'");
        }
    }
}
