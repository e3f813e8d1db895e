package io.camelllmproxy.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.events.RequestFinished;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.FixtureReplay;
import io.camelllmproxy.support.Fixtures;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-JVM calls (direct:llm-chat-completions) are recorded like HTTP requests: one record per call, a stream's when
 * its reader is done with it (so it carries the usage the stream reported), and its tokens charged to the
 * {@code LlmApiKey}'s limits though the caller did not ask for usage, which it does not get.
 */
class InJvmRecordsTest {

    static final String COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2,\"total_tokens\":6}}";
    static final String PLAIN = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static final BlockingQueue<Map<?, ?>> RECORDS = new LinkedBlockingQueue<>();

    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static ProducerTemplate template;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("in-jvm-p", "openai", upstream.baseUrl(), "sk-in-jvm-records",
                null, "{model_id: m, model_name: M}"), Map.of());
        gateway.camelContext().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(RequestFinished.ENDPOINT).routeId("in-jvm-records").process(e -> RECORDS.add(e.getMessage().getBody(Map.class)));
            }
        });
        template = gateway.camelContext().createProducerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.clearReceived();
        RECORDS.clear();
    }

    @Test
    void aPlainCallMakesOneRecord() throws Exception {
        upstream.replyJson(200, COMPLETION);
        assertEquals(COMPLETION, template.requestBody("direct:llm-chat-completions", PLAIN, String.class));
        Map<?, ?> record = next();
        assertEquals("m", record.get(RequestFinished.MODEL));
        assertEquals("in-jvm-p", record.get(RequestFinished.PROVIDER));
        assertEquals(200, record.get(RequestFinished.STATUS));
        assertEquals(false, record.get(RequestFinished.STREAM));
        assertEquals(6L, record.get(RequestFinished.TOTAL_TOKENS));
        upstream.take();

        // records come in the order calls finish: the next one is the next call's, so the first made only one
        Exchange unknown = template.request("direct:llm-chat-completions",
                e -> e.getMessage().setBody(PLAIN.replace("\"m\"", "\"no-such-model\"")));
        assertEquals(404, assertInstanceOf(GatewayException.class, unknown.getException()).error().status());
        Map<?, ?> failed = next();
        assertEquals("no-such-model", failed.get(RequestFinished.MODEL), "one record per call: " + failed);
        assertEquals(404, failed.get(RequestFinished.STATUS));
        assertEquals("model_not_found", failed.get(RequestFinished.ERROR_CODE));
    }

    @Test
    void aStreamIsRecordedWhenReadWithItsUsageAndChargedToItsKey() throws Exception {
        String key = key("in-jvm-tpm", 5);
        upstream.reply(FixtureReplay.reply(Fixtures.root().resolve("openai/chat-streaming")));
        Exchange call = template.request("direct:llm-chat-completions", e -> {
            e.getMessage().setBody(STREAM);
            e.getMessage().setHeader(InJvmChatRequest.API_KEY, key);
        });
        assertNull(call.getException());
        List<JsonNode> chunks = read(call.getMessage().getBody(Iterator.class));
        assertTrue(chunks.stream().anyMatch(c -> c.path("choices").size() > 0), chunks.toString());
        assertTrue(chunks.stream().noneMatch(c -> c.has("usage")), "the caller did not ask for usage: " + chunks);
        assertTrue(Json.MAPPER.readTree(upstream.take().body()).path("stream_options").path("include_usage").asBoolean(),
                "the provider was asked for it");

        Map<?, ?> record = next();
        assertEquals("in-jvm-tpm", record.get(RequestFinished.KEY_NAME));
        assertEquals(true, record.get(RequestFinished.STREAM));
        assertEquals(200, record.get(RequestFinished.STATUS));
        assertNull(record.get(RequestFinished.ERROR_CODE));
        // only the end of the read knows these: a record made when the call's exchange completed would have none
        assertEquals(9L, record.get(RequestFinished.PROMPT_TOKENS));
        assertEquals(2L, record.get(RequestFinished.COMPLETION_TOKENS));
        assertNotNull(record.get(RequestFinished.TIME_TO_FIRST_TOKEN_MS), "the first chunk the caller got");

        Exchange refused = template.request("direct:llm-chat-completions", e -> {
            e.getMessage().setBody(STREAM);
            e.getMessage().setHeader(InJvmChatRequest.API_KEY, key);
        });
        GatewayException limited = assertInstanceOf(GatewayException.class, refused.getException());
        assertEquals(429, limited.error().status(), "the stream's 11 tokens were charged to the key's 5 per minute");
        Map<?, ?> refusedRecord = next();
        assertEquals(429, refusedRecord.get(RequestFinished.STATUS), "a refused call is recorded for its key");
        assertEquals("in-jvm-tpm", refusedRecord.get(RequestFinished.KEY_NAME));
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void aStreamClosedBeforeItsEndIsRecordedAsClosedByTheCaller() throws Exception {
        upstream.reply(new FakeUpstream.Stepped(List.of(
                "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
                "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}",
                "[DONE]"), 0));
        Iterator<?> stream = template.requestBody("direct:llm-chat-completions", STREAM, Iterator.class);
        assertNotNull(stream.next());
        ((AutoCloseable) stream).close();
        Map<?, ?> record = next();
        assertEquals(200, record.get(RequestFinished.STATUS), "the stream had begun, as an HTTP stream's head was out");
        assertEquals("client_closed_request", record.get(RequestFinished.ERROR_CODE));
        upstream.take();
    }

    @Test
    void aCallWhoseKeyIsRefusedIsNotRecorded() throws Exception {
        Exchange refused = template.request("direct:llm-chat-completions", e -> {
            e.getMessage().setBody(PLAIN);
            e.getMessage().setHeader(InJvmChatRequest.API_KEY, "sk-not-a-key");
        });
        assertEquals(401, assertInstanceOf(GatewayException.class, refused.getException()).error().status());
        upstream.replyJson(200, COMPLETION);
        template.requestBody("direct:llm-chat-completions", PLAIN, String.class);
        // records arrive in the order the calls finished: the refused one would come first
        assertEquals(200, next().get(RequestFinished.STATUS));
        upstream.take();
    }

    private static String key(String name, long tpm) throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", "{\"name\":\"" + name + "\",\"scopes\":[\"llm.invoke\"],"
                + "\"tpm_limit\":" + tpm + "}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body()).get("key").asText();
    }

    /** Reads a caller's stream to its end (the one null). */
    private static List<JsonNode> read(Iterator<?> stream) throws Exception {
        List<JsonNode> chunks = new ArrayList<>();
        while (stream.hasNext()) {
            Object chunk = stream.next();
            if (chunk == null) {
                break;
            }
            chunks.add(Json.MAPPER.readTree(chunk.toString()));
        }
        return chunks;
    }

    private static Map<?, ?> next() throws InterruptedException {
        Map<?, ?> record = RECORDS.poll(30, TimeUnit.SECONDS);
        assertNotNull(record, "no request record");
        return record;
    }
}
