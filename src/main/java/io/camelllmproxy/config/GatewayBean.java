package io.camelllmproxy.config;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/**
 * The builder {@code routes/beans.camel.yaml} names for each of the gateway's beans: it hands out the instance
 * {@link GatewayConfiguration} made under {@code name} (through the {@code llm-gateway} bean), so a route file
 * declares the bean, its type and its origin without making a second one.
 */
public class GatewayBean implements CamelContextAware {

    private CamelContext camelContext;
    private String name;

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Object build() {
        GatewayBeans beans = camelContext.getRegistry().lookupByNameAndType("llm-gateway", GatewayBeans.class);
        if (beans == null) {
            throw new IllegalStateException("bean " + name + " comes from the gateway, which is not configured in this "
                    + "Camel context (camel.main.configurationClasses=io.camelllmproxy.config.GatewayConfiguration)");
        }
        return beans.bean(name);
    }
}
