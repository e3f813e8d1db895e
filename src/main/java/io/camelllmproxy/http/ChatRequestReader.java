package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import java.util.Locale;

/**
 * First step of a chat request: capture the client response and the caller's identity, check the media
 * type, parse and validate.
 */
public class ChatRequestReader implements Processor {

    private final AdmissionControl admission;

    public ChatRequestReader(AdmissionControl admission) {
        this.admission = admission;
    }

    @Override
    public void process(Exchange exchange) {
        HttpMessage http = exchange.getIn(HttpMessage.class);
        if (http != null) {
            exchange.setVariable(ExchangeKeys.CLIENT_RESPONSE, http.getResponse());
            AdmissionControl.RequestContext context = admission.context(http.getResponse());
            if (context != null && context.identity() != null) {
                exchange.setVariable(ExchangeKeys.IDENTITY, context.identity());
            }
        }
        Message in = exchange.getIn();
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType != null && !isJson(contentType)) {
            throw new GatewayException(OpenAiError.of(415, OpenAiError.INVALID_REQUEST, "unsupported_media_type",
                    "Content-Type must be application/json, not '" + contentType + "'"));
        }
        ObjectNode request = ChatRequestValidator.parse(in.getBody(byte[].class));
        exchange.setVariable(ExchangeKeys.CHAT_REQUEST, request);
        exchange.setVariable(ExchangeKeys.MODEL_NAME, request.get("model").asText());
        exchange.setVariable(ExchangeKeys.STREAM, request.path("stream").asBoolean(false));
        in.setBody(null);
    }

    static boolean isJson(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        int semi = type.indexOf(';');
        String media = (semi >= 0 ? type.substring(0, semi) : type).trim();
        return media.equals("application/json") || media.endsWith("+json");
    }
}
