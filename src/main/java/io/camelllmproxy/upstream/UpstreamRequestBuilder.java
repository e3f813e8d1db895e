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
        UpstreamRequest request = transformer.request(
                exchange.getVariable(ExchangeKeys.CHAT_REQUEST, ObjectNode.class),
                exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class));
        exchange.setVariable(ExchangeKeys.UPSTREAM_REQUEST, request);
    }
}
