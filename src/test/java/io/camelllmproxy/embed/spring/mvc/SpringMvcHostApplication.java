package io.camelllmproxy.embed.spring.mvc;

import io.camelllmproxy.config.GatewayRouteBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * A camel-spring-boot application whose platform-http engine is camel-spring-boot's own (Spring MVC on Tomcat),
 * which runs none of the gateway's Vert.x handlers, its key check among them.
 */
@SpringBootApplication
@Import(GatewayRouteBuilder.class)
public class SpringMvcHostApplication {
}
