package io.camelllmproxy.events;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Events are built only while a route consumes them, and that is decided per request: a consumer added after
 * start gets the events of the next requests, one removed stops them, one added again gets them again.
 */
class RequestEventsTest {

    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
    static final String REQUEST = "{\"model\":\"events-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static final List<Map<?, ?>> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("events-provider", "openai", upstream.baseUrl(), "sk-events",
                null, "{model_id: events-model, model_name: Events}"), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void eventsFollowTheConsumerAsItComesAndGoes() throws Exception {
        chat();
        await("the request without a consumer is done").atMost(30, SECONDS)
                .until(() -> gateway.camelContext().getInflightRepository().size() == 0);
        assertEquals(0, queued(), "no consumer: nothing is queued for one");

        addConsumer();
        chat();
        await("the event of a request made with a consumer").atMost(30, SECONDS).until(() -> received.size() == 1);
        Map<?, ?> event = received.get(0);
        assertEquals(RequestFinished.EVENT_NAME, event.get(RequestFinished.EVENT));
        assertEquals("events-provider", event.get(RequestFinished.PROVIDER));
        assertEquals(200, event.get(RequestFinished.STATUS));
        assertEquals(4L, event.get(RequestFinished.TOTAL_TOKENS));

        gateway.camelContext().getRouteController().stopRoute("events-consumer");
        gateway.camelContext().removeRoute("events-consumer");
        chat();
        await("the request without a consumer is done").atMost(30, SECONDS)
                .until(() -> gateway.camelContext().getInflightRepository().size() == 0);
        assertEquals(0, queued(), "the consumer is gone: the event is not queued for it");

        addConsumer();
        chat();
        await("the event once a consumer is back").atMost(30, SECONDS).until(() -> received.size() == 2);
        assertEquals(1, received.stream().filter(e -> e != event).count());
    }

    private static void chat() throws Exception {
        upstream.reply(new FakeUpstream.Json(200, ANSWER, Map.of()));
        assertEquals(200, gateway.postJson("/v1/chat/completions", REQUEST).statusCode());
    }

    private static int queued() {
        SedaEndpoint endpoint = gateway.camelContext().getEndpoint(RequestFinished.ENDPOINT, SedaEndpoint.class);
        return endpoint.getQueue().size();
    }

    private static void addConsumer() throws Exception {
        gateway.camelContext().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(RequestFinished.ENDPOINT).routeId("events-consumer").process(e -> received.add(e.getMessage().getBody(Map.class)));
            }
        });
    }
}
