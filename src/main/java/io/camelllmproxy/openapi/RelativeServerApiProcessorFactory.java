package io.camelllmproxy.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Yaml;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.openapi.OpenApiRestApiProcessorFactory;
import org.apache.camel.spi.RestApiProcessorFactory;
import org.apache.camel.spi.RestConfiguration;
import org.apache.camel.support.processor.DelegateSyncProcessor;

import java.util.Map;

/**
 * camel-openapi-java's document, with one change the REST DSL cannot express: {@code servers} is the relative
 * {@code "/"}. Camel always writes {@code scheme://host} there, and the host it knows is the bind address
 * ({@code http://0.0.0.0}), which no client can call; a relative URL means "where this document was fetched",
 * which stays right behind proxies. Camel finds this factory in the registry before its own.
 */
public class RelativeServerApiProcessorFactory implements RestApiProcessorFactory {

    private final RestApiProcessorFactory camel = new OpenApiRestApiProcessorFactory();

    @Override
    public Processor createApiProcessor(CamelContext camelContext, String contextPath, RestConfiguration configuration,
                                        Map<String, Object> parameters) throws Exception {
        // a delegating processor, so Camel's own is initialised and started with the endpoint
        return new DelegateSyncProcessor(camel.createApiProcessor(camelContext, contextPath, configuration, parameters)) {
            @Override
            public void process(Exchange exchange) throws Exception {
                processor.process(exchange);
                relativeServer(exchange.getMessage());
            }

            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                try {
                    process(exchange);
                } catch (Exception e) {
                    exchange.setException(e);
                }
                callback.done(true);
                return true;
            }
        };
    }

    private static void relativeServer(Message message) throws Exception {
        byte[] body = message.getBody(byte[].class);
        if (body == null || body.length == 0) {
            return;
        }
        String type = message.getHeader(Exchange.CONTENT_TYPE, "", String.class);
        ObjectMapper mapper = type.contains("yaml") ? Yaml.mapper() : Json.mapper();
        ObjectNode document = (ObjectNode) mapper.readTree(body);
        document.putArray("servers").addObject().put("url", "/");
        byte[] rewritten = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        message.setBody(rewritten);
        message.setHeader(Exchange.CONTENT_LENGTH, Integer.toString(rewritten.length));
    }
}
