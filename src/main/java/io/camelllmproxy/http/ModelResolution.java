package io.camelllmproxy.http;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.failover.FailoverSteps;
import io.camelllmproxy.registry.ModelGroup;
import io.camelllmproxy.registry.ModelResolver;
import io.camelllmproxy.registry.ModelTarget;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Enriches the exchange with the model and provider rows the requested name resolves to. A model group's name
 * resolves to its attempts instead: the failover loop picks the member (and so the rows) call by call.
 */
public class ModelResolution implements Processor {

    private final ModelResolver resolver;
    private final FailoverSteps failover;

    public ModelResolution(ModelResolver resolver, FailoverSteps failover) {
        this.resolver = resolver;
        this.failover = failover;
    }

    @Override
    public void process(Exchange exchange) {
        String name = exchange.getVariable(ExchangeKeys.MODEL_NAME, String.class);
        ModelGroup group;
        try {
            group = resolver.group(name);
        } catch (GatewayException notServed) {
            if ("model_not_found".equals(notServed.error().code())) {
                // a group without an enabled member: its 404 says no call was made, as every group answer does
                failover.planUnservable(exchange, name);
            }
            throw notServed;
        }
        if (group != null) {
            failover.planGroup(exchange, group);
            return;
        }
        ModelTarget target = resolver.resolve(name);
        exchange.setVariable(ExchangeKeys.TARGET, target);
        exchange.setVariable(ExchangeKeys.WIRE_SCHEMA, target.wireSchema().id());
        failover.planModel(exchange, target);
    }
}
