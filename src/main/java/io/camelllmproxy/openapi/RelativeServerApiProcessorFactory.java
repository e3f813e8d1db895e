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
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.service.ServiceHelper;

import java.util.Map;

/**
 * camel-openapi-java's document, with two changes the REST DSL cannot express.
 * <ul>
 * <li>{@code servers} is the relative {@code "/"}. Camel always writes {@code scheme://host} there, and the host
 * it knows is the bind address ({@code http://0.0.0.0}), which no client can call; a relative URL means "where
 * this document was fetched", which stays right behind proxies.</li>
 * <li>The document is built when it is first asked for, not when its route starts: Camel builds it as the route
 * starts, and swagger's reflection over every schema class was the largest single cost of the gateway's start
 * (a third of the route start-up, before the first request could be served).</li>
 * </ul>
 * Camel finds this factory in the registry before its own.
 */
public class RelativeServerApiProcessorFactory implements RestApiProcessorFactory {

    private final RestApiProcessorFactory camel = new OpenApiRestApiProcessorFactory();

    @Override
    public Processor createApiProcessor(CamelContext camelContext, String contextPath, RestConfiguration configuration,
                                        Map<String, Object> parameters) {
        return new DocumentProcessor(() -> camel.createApiProcessor(camelContext, contextPath, configuration, parameters));
    }

    /** How Camel's document processor is made, once, on the first request. */
    @FunctionalInterface
    interface ProcessorSource {
        Processor create() throws Exception;
    }

    /** Serves the document through Camel's processor, made and started on the first request. */
    static final class DocumentProcessor extends AsyncProcessorSupport {

        private final ProcessorSource source;
        private volatile Processor document;

        DocumentProcessor(ProcessorSource source) {
            this.source = source;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            try {
                document().process(exchange);
                relativeServer(exchange.getMessage());
            } catch (Exception e) {
                exchange.setException(e);
            }
            callback.done(true);
            return true;
        }

        /** Whether Camel's processor (and so the document) has been built; tests only. */
        boolean isBuilt() {
            return document != null;
        }

        private Processor document() throws Exception {
            Processor built = document;
            if (built == null) {
                synchronized (this) {
                    built = document;
                    if (built == null) {
                        built = source.create();
                        // Camel's processor renders the document as it is initialised
                        ServiceHelper.startService(built);
                        document = built;
                    }
                }
            }
            return built;
        }

        @Override
        protected void doStop() {
            Processor built = document;
            document = null;
            ServiceHelper.stopService(built);
        }
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
