package io.camelllmproxy.openapi;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.Processor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document is built on the first request, not when its route starts, and once however many
 * requests come first together; stopping the route stops what was built.
 */
class DocumentProcessorTest {

    @Test
    void buildsOnTheFirstRequestOnceAndStopsWithTheRoute() throws Exception {
        AtomicInteger made = new AtomicInteger();
        List<RenderedDocument> documents = new ArrayList<>();
        RelativeServerApiProcessorFactory.DocumentProcessor processor = new RelativeServerApiProcessorFactory.DocumentProcessor(() -> {
            made.incrementAndGet();
            RenderedDocument document = new RenderedDocument();
            documents.add(document);
            return document;
        });
        CamelContext context = new DefaultCamelContext();
        context.start();
        try {
            processor.start();
            assertFalse(processor.isBuilt(), "a started route has not built the document");
            assertEquals(0, made.get());

            ExecutorService clients = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Exchange>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(clients.submit(() -> {
                    go.await();
                    Exchange exchange = new DefaultExchange(context);
                    exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
                    processor.process(exchange);
                    return exchange;
                }));
            }
            go.countDown();
            for (Future<Exchange> answer : answers) {
                Exchange exchange = answer.get(30, TimeUnit.SECONDS);
                String body = exchange.getMessage().getBody(String.class);
                assertTrue(body.contains("\"servers\""), body);
                assertTrue(body.contains("\"url\" : \"/\""), body);
                assertFalse(body.contains("0.0.0.0"), body);
            }
            clients.shutdown();
            assertEquals(1, made.get(), "built once");
            assertTrue(documents.get(0).isStarted(), "Camel's processor is started before it serves");

            processor.stop();
            assertTrue(documents.get(0).isStopped(), "stopped with the route");
        } finally {
            context.stop();
        }
    }

    /** Stands in for Camel's processor: a service that answers a document once it is started. */
    private static final class RenderedDocument extends ServiceSupport implements Processor {
        @Override
        public void process(Exchange exchange) {
            if (!isStarted()) {
                throw new IllegalStateException("not started");
            }
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody("{\"openapi\":\"3.1.0\",\"servers\":[{\"url\":\"http://0.0.0.0:8080\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
        }
    }
}
