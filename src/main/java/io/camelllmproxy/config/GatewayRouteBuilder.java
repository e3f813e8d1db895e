package io.camelllmproxy.config;

import org.apache.camel.builder.RouteBuilder;

/**
 * The gateway for runtimes that collect {@code RoutesBuilder} beans but have no
 * {@code camel.main.configurationClasses}: camel-spring-boot is one, where {@code @Import(GatewayRouteBuilder.class)}
 * adds the gateway. It applies {@link GatewayConfiguration} once, when the runtime adds its routes.
 */
public class GatewayRouteBuilder extends RouteBuilder {

    @Override
    public void configure() throws Exception {
        new GatewayConfiguration().configure(getCamelContext());
    }
}
