package io.camelllmproxy.upstream;

import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.transform.WireTransformer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.hc.core5.http.io.EofSensorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * Turns an upstream answer other than 2xx into the client's error: same status, the upstream's message
 * in the OpenAI shape, and the rate-limit headers a client needs to back off.
 */
public class UpstreamStatusCheck implements Processor {

    /** An error body larger than this is cut: it is a message, and the rest is not worth holding in memory. */
    public static final int MAX_ERROR_BODY = 64 * 1024;

    @Override
    public void process(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 200 && status < 300) {
            return;
        }
        byte[] body = readBounded(message.getBody(InputStream.class));
        OpenAiError error;
        ModelTarget target = exchange.getVariable(ExchangeKeys.TARGET, ModelTarget.class);
        if (status >= 300 && status < 400) {
            error = OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_redirect",
                    "The upstream provider answered with a redirect (HTTP " + status + "), which the gateway does not follow; check api_base");
        } else {
            WireTransformer transformer = exchange.getVariable(ExchangeKeys.TRANSFORMER, WireTransformer.class);
            error = transformer.error(status, body, target);
        }
        error = new OpenAiError(error.status(), error.type(), error.code(), error.param(), error.message(),
                UpstreamHeaders.relayed(message, target.credential()));
        throw new ProviderStatusException(error, status, RetryAfter.millis(message, Instant.now()));
    }

    static byte[] readBounded(InputStream in) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        try {
            byte[] body = in.readNBytes(MAX_ERROR_BODY);
            if (in.read() >= 0 && in instanceof EofSensorInputStream eof) {
                eof.abort();
            }
            return body;
        } finally {
            in.close();
        }
    }
}
