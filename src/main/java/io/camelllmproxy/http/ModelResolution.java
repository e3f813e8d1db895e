package io.camelllmproxy.http;

import io.camelllmproxy.registry.ModelResolver;
import io.camelllmproxy.registry.ModelTarget;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Enriches the exchange with the model and provider rows the requested name resolves to. */
public class ModelResolution implements Processor {

    private final ModelResolver resolver;

    public ModelResolution(ModelResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void process(Exchange exchange) {
        ModelTarget target = resolver.resolve(exchange.getVariable(ExchangeKeys.MODEL_NAME, String.class));
        exchange.setVariable(ExchangeKeys.TARGET, target);
        exchange.setVariable(ExchangeKeys.WIRE_SCHEMA, target.wireSchema().id());
    }
}
