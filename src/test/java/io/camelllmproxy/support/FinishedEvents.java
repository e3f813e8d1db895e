package io.camelllmproxy.support;

import io.camelllmproxy.events.RequestFinished;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The gateway's request-finished events, taken by a route of the test as a user's route would take them. */
public final class FinishedEvents {

    private final BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();

    public static FinishedEvents tap(CamelContext context, String routeId) throws Exception {
        FinishedEvents tap = new FinishedEvents();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(RequestFinished.ENDPOINT).routeId(routeId)
                        .process(e -> tap.events.add(e.getIn().getBody(Map.class)));
            }
        });
        return tap;
    }

    /** The next event, waited for up to 30 s (events are published when the exchange is done, off the answer). */
    public Map<String, Object> next() throws InterruptedException {
        Map<String, Object> event = events.poll(30, TimeUnit.SECONDS);
        assertNotNull(event, "no request-finished event within 30 s");
        return event;
    }

    public void clear() {
        events.clear();
    }
}
