package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.List;

/**
 * Runs once the provider call has been sent and answered its head: the client's body is not needed any
 * more, so every copy of it the exchange holds is dropped and its bytes go back to the
 * {@link RequestBodyBudget}. A stream answering for minutes then holds no body budget, nor the body.
 */
public class RequestBodyRelease implements Processor {

    /** The bulk of a chat request; what the answer's translation reads (stream_options, model) is kept. */
    private static final String[] BULK = {"messages", "tools", "functions"};

    @Override
    public void process(Exchange exchange) {
        if (exchange.getVariable(ExchangeKeys.ATTEMPTS) != null) {
            // another member may still need the body: the failover loop releases it once a member answered
            return;
        }
        release(exchange);
    }

    /** Drops the body's copies and gives its budget back. */
    public static void release(Exchange exchange) {
        exchange.removeVariable(ExchangeKeys.UPSTREAM_REQUEST);
        ObjectNode request = exchange.getVariable(ExchangeKeys.CHAT_REQUEST, ObjectNode.class);
        if (request != null) {
            request.remove(List.of(BULK));
        }
        if (exchange.getProperty(AdmissionControl.RequestContext.PROPERTY) instanceof AdmissionControl.RequestContext context) {
            context.bodyReleased();
        }
    }
}
