package io.camelllmproxy.http;

import io.camelllmproxy.registry.ModelResolver;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /v1/models/{id}} (the SDKs' {@code models.retrieve}): one model in OpenAI's shape, for any name a
 * chat request may use, {@code provider/model_id} included.
 */
public class ModelRetrieveResponder implements Processor {

    private final ModelResolver resolver;

    public ModelRetrieveResponder(ModelResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        String name = message.getHeader("id", String.class);
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(Json.compact(resolver.model(name)));
    }
}
