package io.camelllmproxy.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The beans {@link GatewayConfiguration} makes from the {@code llm.*} settings for the routes, bound as
 * {@code llm-gateway}. {@code routes/beans.camel.yaml} declares each one under the name the routes use, with its
 * type, taken from here: reading the routes folder tells where every bean comes from.
 */
public final class GatewayBeans {

    private final Map<String, Object> beans = new LinkedHashMap<>();

    void put(String name, Object bean) {
        beans.put(name, bean);
    }

    /** The bean made under {@code name}; a declaration naming a bean the gateway does not make fails the load. */
    public Object bean(String name) {
        Object bean = beans.get(name);
        if (bean == null) {
            throw new IllegalArgumentException("the gateway makes no bean named '" + name + "'; it makes " + beans.keySet());
        }
        return bean;
    }

    /** Every name, for the test that checks each is declared. */
    public Set<String> names() {
        return Collections.unmodifiableSet(beans.keySet());
    }
}
