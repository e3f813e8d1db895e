package io.camelllmproxy.http;

import io.camelllmproxy.registry.ModelResolver;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** {@code GET /v1/models}: the servable models, each under a name that resolves to it alone. */
public class ModelListResponder implements Processor {

    private final ModelResolver resolver;

    public ModelListResponder(ModelResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(Json.compact(resolver.modelList()));
    }
}
