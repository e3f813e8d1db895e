package io.camelllmproxy.embed.spring.host;

import io.camelllmproxy.config.GatewayRouteBuilder;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A camel-spring-boot application as a Spring user writes one: its own HTTP server (Vert.x platform-http), its
 * own routes, its own data source migrated by Spring Boot's Flyway, and the gateway added by one annotation.
 */
@SpringBootApplication
@Import(GatewayRouteBuilder.class)
public class SpringHostApplication {

    /**
     * Camel's Vert.x HTTP server; camel-spring-boot has no camel.server.* settings, so the host adds it. Started at
     * once, so its router exists before any route starts (a service added before the context starts is otherwise
     * started after every startup listener).
     */
    @Bean
    CamelContextConfiguration hostHttpServer(@Value("${host.http.port}") int port) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                VertxPlatformHttpServerConfiguration server = new VertxPlatformHttpServerConfiguration();
                server.setBindPort(port);
                try {
                    context.addService(new VertxPlatformHttpServer(server), true, true);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot add the HTTP server", e);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
            }
        };
    }

    /** The host's own routes: one asks the gateway in-JVM, one answers on the shared HTTP server. */
    @Bean
    RouteBuilder hostRoutes() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:host-ask").routeId("host-ask")
                        .to("direct:llm-chat-completions")
                        .setVariable("answeredBy", constant("host-ask"));
                from("platform-http:/hello?httpMethodRestrict=GET").routeId("host-hello")
                        .setBody(constant("hello from the host"));
            }
        };
    }
}
