package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.CredentialHealth;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET} of the gateway's health path ({@code llm.http.health-path}: {@code /health} standalone,
 * {@code /llm/health} in a host): 200 {@code UP} when the gateway can serve; 503 {@code DOWN} before the registry
 * has been loaded, and while an enabled provider's stored key does not decrypt (a wrong
 * {@code AUTH_ENCRYPTION_SECRET}), naming those providers so a readiness probe holds traffic back.
 * Disabled providers with such a key are listed without making the gateway DOWN.
 */
public class HealthResponder implements Processor {

    private final CredentialHealth credentials;

    public HealthResponder(CredentialHealth credentials) {
        this.credentials = credentials;
    }

    @Override
    public void process(Exchange exchange) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        boolean up;
        if (!credentials.checked()) {
            up = false;
            body.put("status", "DOWN").put("reason", "the registry has not been loaded yet");
        } else {
            up = credentials.unreadableEnabled().isEmpty();
            body.put("status", up ? "UP" : "DOWN");
            if (!up) {
                body.put("reason", "stored provider keys do not decrypt with the configured AUTH_ENCRYPTION_SECRET");
            }
            if (!credentials.unreadable().isEmpty()) {
                ArrayNode list = body.putArray("unreadable_credentials");
                for (CredentialHealth.Unreadable u : credentials.unreadable()) {
                    list.addObject().put("provider", u.provider()).put("enabled", u.enabled());
                }
            }
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.compact(body));
    }
}
