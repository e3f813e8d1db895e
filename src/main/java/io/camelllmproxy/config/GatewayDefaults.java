package io.camelllmproxy.config;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The library's default of every {@code llm.*} setting, in a namespaced resource so that no file of a host
 * (its {@code application.properties}) shadows it and it shadows nothing of the host's.
 */
public final class GatewayDefaults {

    static final String RESOURCE = "camel-llm-proxy/gateway.properties";

    private GatewayDefaults() {
    }

    /**
     * Adds each default nobody has set (in the host's properties, -D, environment variables, or as an initial
     * property) as Camel's initial property, the source every other one overrides.
     */
    public static void apply(CamelContext context) throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = GatewayDefaults.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the gateway's defaults are missing from the classpath: " + RESOURCE);
            }
            defaults.load(in);
        }
        PropertiesComponent properties = context.getPropertiesComponent();
        for (String key : defaults.stringPropertyNames()) {
            if (properties.resolveProperty(key).isEmpty()) {
                properties.addInitialProperty(key, defaults.getProperty(key).trim());
            }
        }
    }
}
