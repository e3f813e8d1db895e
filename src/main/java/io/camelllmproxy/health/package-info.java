/**
 * The gateway's checks in Camel's health API ({@code org.apache.camel.health}). {@code GatewayConfiguration}
 * binds them as beans, so any Camel health endpoint of the context shows them (the standalone's
 * {@code /observe/health}, a host's own, Spring Boot's actuator through camel-health-starter) without a setting
 * of ours. All are readiness checks: a database outage or an unreadable key means "send no traffic here", not
 * "restart me".
 */
package io.camelllmproxy.health;
