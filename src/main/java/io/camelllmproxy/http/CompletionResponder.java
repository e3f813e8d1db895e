package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.transform.WireTransformer;
import io.camelllmproxy.upstream.UpstreamHeaders;
import io.camelllmproxy.usage.UsageMeters;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Answers a non-streaming request with the transformed upstream body and the headers a client may see. */
public class CompletionResponder implements Processor {

    private final UsageMeters meters;

    public CompletionResponder(UsageMeters meters) {
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        byte[] upstreamBody;
        if (message.getBody() instanceof byte[] read) {
            // a model group's answer, read already so that a body broken mid-read could still fail over
            upstreamBody = read;
        } else {
            try (InputStream in = message.getBody(InputStream.class)) {
                upstreamBody = in == null ? new byte[0] : in.readAllBytes();
            }
        }
        WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        byte[] body = maskKey(transformer.response(upstreamBody,
                exchange.getVariable(ExchangeKeys.CHAT_REQUEST, ObjectNode.class), target), target.credential());
        meters.of(exchange).fromBody(body);
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, "application/json", String.class);
        Map<String, String> relayed = UpstreamHeaders.relayed(message, target.credential());
        message.removeHeaders("*");
        relayed.forEach(message::setHeader);
        AttemptHeaders.of(exchange).forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }

    /** A provider that echoes its key in a completion must not hand it to the client either. */
    private static byte[] maskKey(byte[] body, ProviderCredential key) {
        if (!key.isPresent()) {
            return body;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String masked = key.mask(text);
        return masked.equals(text) ? body : masked.getBytes(StandardCharsets.UTF_8);
    }
}
