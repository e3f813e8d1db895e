package io.camelllmproxy.upstream;

import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.transform.UpstreamRequest;
import io.camelllmproxy.transform.WireTransformer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Puts exactly the upstream request's URL, headers and body on the message for camel-http. The route has
 * removed every inbound header before this step, so no client header (its Authorization above all)
 * reaches the provider. The provider key is not among them: the message names the provider
 * ({@link UpstreamCredentials#REFERENCE}) and the gateway's HTTP client adds the key as it sends.
 */
public class UpstreamCallPreparer implements Processor {

    @Override
    public void process(Exchange exchange) {
        UpstreamRequest request = exchange.getVariable(ExchangeKeys.UPSTREAM_REQUEST, UpstreamRequest.class);
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_URI, request.url());
        // the enum camel-http reads: a String would go through a type-converter lookup on every call (9 % of the
        // gateway's CPU samples under wrk c=64)
        message.setHeader(Exchange.HTTP_METHOD, org.apache.camel.component.http.HttpMethods.POST);
        request.headers().forEach(message::setHeader);
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        if (target.credential().isPresent()) {
            WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
            message.setHeader(UpstreamCredentials.REFERENCE,
                    UpstreamCredentials.reference(transformer.credentialScheme(), target.providerId()));
        }
        message.setBody(request.body());
        exchange.setVariable(ExchangeKeys.UPSTREAM_CALLED, Boolean.TRUE);
    }
}
