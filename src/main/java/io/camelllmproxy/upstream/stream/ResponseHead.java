package io.camelllmproxy.upstream.stream;

import io.vertx.core.http.HttpClientResponse;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.util.IOHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Puts a provider's response head on the message as camel-http does, so the steps after the call
 * ({@code llm-upstream-status-check}, the rate-limit headers relayed to clients) read it the same way: the status
 * and reason phrase, every response header but Camel's own (repeated ones as a list), {@code Content-Type} under
 * {@link Exchange#CONTENT_TYPE} with its charset as the exchange's, and the request's headers kept where the
 * response set none, except the protocol ones.
 */
final class ResponseHead {

    private ResponseHead() {
    }

    static void apply(HttpClientResponse response, Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeader(Exchange.CONTENT_TYPE);
        message.removeHeader(Exchange.CONTENT_LENGTH);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, response.statusCode());
        if (response.statusMessage() != null) {
            message.setHeader(Exchange.HTTP_RESPONSE_TEXT, response.statusMessage());
        }
        for (String name : response.headers().names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("camel") || lower.startsWith("org.apache.camel")) {
                continue;
            }
            List<String> values = response.headers().getAll(name);
            if (lower.equals("content-type")) {
                message.setHeader(Exchange.CONTENT_TYPE, values.get(0));
                exchange.setProperty(ExchangePropertyKey.CHARSET_NAME, IOHelper.getCharsetNameFromContentType(values.get(0)));
                continue;
            }
            message.removeHeader(name);
            message.setHeader(name, values.size() == 1 ? values.get(0) : new ArrayList<>(values));
        }
    }
}
