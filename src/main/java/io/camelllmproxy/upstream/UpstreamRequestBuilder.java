package io.camelllmproxy.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.transform.UpstreamRequest;
import io.camelllmproxy.transform.WireTransformer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Asks the transformer the dispatch chose for the upstream call. */
public class UpstreamRequestBuilder implements Processor {

    @Override
    public void process(Exchange exchange) {
        WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
        ObjectNode chatRequest = exchange.getVariable(ExchangeKeys.CHAT_REQUEST, ObjectNode.class);
        if (exchange.getVariable(ExchangeKeys.ATTEMPTS) != null) {
            // transformers fill in their provider's defaults on the request's top level (model, temperature,
            // max_tokens): the next member must get it as sent. A copy of that level is enough; the messages,
            // however large, are shared, not copied per attempt
            ObjectNode asSent = chatRequest.objectNode();
            asSent.setAll(chatRequest);
            chatRequest = asSent;
        }
        UpstreamRequest request = transformer.request(chatRequest, exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class));
        exchange.setVariable(ExchangeKeys.UPSTREAM_REQUEST, request);
    }
}
