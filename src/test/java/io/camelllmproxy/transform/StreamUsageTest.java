package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.events.RequestFinished;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.FixtureReplay;
import io.camelllmproxy.support.Fixtures;
import io.camelllmproxy.support.GatewayHarness;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every stream is metered, whatever its client asked: the gateway asks OpenAI-schema and Azure providers for usage,
 * Anthropic and Ollama streams always make it, the key's tokens per minute are charged with it and the request's
 * record carries it, and the client gets exactly what it asked for. A provider with {@code stream_usage: false}
 * (or an Azure api-version older than the field) gets only the {@code stream_options} its client sent; a bad flag
 * is refused by the admin API.
 */
class StreamUsageTest {

    /** One provider per schema, answering with a recorded stream whose usage the fake reports. */
    record Schema(String name, String fixture, long prompt, long completion) {
        String model() {
            return "usage-" + name;
        }

        boolean asksProvider() {
            return name.equals("openai") || name.equals("azure_openai");
        }
    }

    static final List<Schema> SCHEMAS = List.of(
            new Schema("openai", "openai/chat-streaming", 9, 2),
            new Schema("azure_openai", "azure_openai/stream-empty-choices-and-content-filter", 9, 1),
            new Schema("anthropic", "anthropic/stream-text", 10, 5),
            new Schema("ollama", "ollama/stream-text-usage", 26, 3));

    static final BlockingQueue<Map<?, ?>> RECORDS = new LinkedBlockingQueue<>();
    static final AtomicInteger KEYS = new AtomicInteger();

    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        String root = upstream.baseUrl().replace("/v1", "");
        gateway = GatewayHarness.start("providers:\n"
                + provider("usage-openai-p", "openai", upstream.baseUrl(), "sk-usage-openai", null,
                        "{model_id: gpt-4o-mini, model_name: M, model_alias: usage-openai}")
                + provider("usage-azure-p", "azure_openai", root, "azure-usage-key", "    api_version: \"2024-10-21\"\n",
                        "{model_id: gpt-4o, model_name: M, model_alias: usage-azure_openai}")
                + provider("usage-anthropic-p", "anthropic", root, "sk-ant-usage", null,
                        "{model_id: claude-sonnet-4-5, model_name: M, model_alias: usage-anthropic}")
                + provider("usage-ollama-p", "ollama", root, null, null, "{model_id: llama3.2, model_name: M, model_alias: usage-ollama}")
                + provider("usage-azure-old-p", "azure_openai", root, "azure-usage-key", null,
                        "{model_id: gpt-4o, model_name: M, model_alias: usage-azure-old}")
                + provider("usage-azure-forced-p", "azure_openai", root, "azure-usage-key", "    config: {stream_usage: true}\n",
                        "{model_id: gpt-4o, model_name: M, model_alias: usage-azure-forced}")
                + provider("usage-off-p", "openai", upstream.baseUrl(), "sk-usage-off", "    config: {stream_usage: false}\n",
                        "{model_id: gpt-4o-mini, model_name: M, model_alias: usage-off}"), Map.of());
        gateway.camelContext().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(RequestFinished.ENDPOINT).routeId("stream-usage-records").process(e -> RECORDS.add(e.getMessage().getBody(Map.class)));
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.clearReceived();
    }

    static Stream<Arguments> schemasAndWishes() {
        return SCHEMAS.stream().flatMap(s -> Stream.of(Arguments.of(s, false), Arguments.of(s, true)));
    }

    @ParameterizedTest(name = "{0} include_usage={1}")
    @MethodSource("schemasAndWishes")
    void theClientGetsWhatItAskedForAndTheKeyIsChargedEitherWay(Schema schema, boolean asked) throws Exception {
        long total = schema.prompt() + schema.completion();
        String keyName = "usage-key-" + KEYS.incrementAndGet();
        // half of what one stream uses: the stream is admitted, the next request is not
        String key = key(keyName, total / 2);
        upstream.reply(FixtureReplay.reply(Fixtures.root().resolve(schema.fixture())));
        String options = asked ? ",\"stream_options\":{\"include_usage\":true}" : "";
        HttpResponse<String> response = gateway.send("POST", "/v1/chat/completions", "{\"model\":\"" + schema.model()
                + "\",\"stream\":true" + options + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key);
        assertEquals(200, response.statusCode(), response.body());

        List<JsonNode> chunks = chunks(response.body());
        assertTrue(chunks.stream().anyMatch(c -> c.path("choices").size() > 0), "the answer itself still arrives: " + chunks);
        List<JsonNode> reporting = chunks.stream().filter(c -> c.has("usage") && !c.get("usage").isNull()).toList();
        if (asked) {
            assertEquals(1, reporting.size(), "one usage chunk for the client that asked: " + chunks);
            assertEquals(schema.prompt(), reporting.get(0).get("usage").get("prompt_tokens").asLong());
            assertEquals(schema.completion(), reporting.get(0).get("usage").get("completion_tokens").asLong());
        } else {
            assertTrue(chunks.stream().noneMatch(c -> c.has("usage")), "no usage chunk and no usage field: " + chunks);
        }
        if (schema.name().equals("azure_openai")) {
            assertTrue(chunks.stream().anyMatch(c -> c.has("prompt_filter_results")),
                    "Azure's filter-only chunk (no choices, no usage) is not the usage chunk: " + chunks);
        }

        JsonNode sent = Json.MAPPER.readTree(upstream.take().body());
        if (schema.asksProvider()) {
            assertTrue(sent.path("stream_options").path("include_usage").asBoolean(false), sent.toString());
        } else {
            assertFalse(sent.has("stream_options"), "its own API has no such field: " + sent);
        }

        Map<?, ?> record = recordOf(keyName);
        assertEquals(schema.prompt(), record.get(RequestFinished.PROMPT_TOKENS), "the meter saw the usage: " + record);
        assertEquals(schema.completion(), record.get(RequestFinished.COMPLETION_TOKENS), record.toString());

        HttpResponse<String> next = gateway.send("POST", "/v1/chat/completions", "{\"model\":\"" + schema.model()
                + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key);
        assertEquals(429, next.statusCode(), "the stream's " + total + " tokens were charged to the key: " + next.body());
        assertTrue(upstream.receivedNothing(), "the refused request never reached the provider");
    }

    @Test
    void theClientsOwnStreamOptionsAreKeptBesideIncludeUsage() throws Exception {
        upstream.reply(FixtureReplay.reply(Fixtures.root().resolve("openai/chat-streaming")));
        HttpResponse<String> response = gateway.send("POST", "/v1/chat/completions", "{\"model\":\"usage-openai\",\"stream\":true,"
                + "\"stream_options\":{\"include_obfuscation\":false},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Json.MAPPER.readTree("{\"include_obfuscation\":false,\"include_usage\":true}"),
                Json.MAPPER.readTree(upstream.take().body()).get("stream_options"));
        assertTrue(chunks(response.body()).stream().noneMatch(c -> c.has("usage")), response.body());
    }

    @Test
    void aProviderWithStreamUsageOffGetsOnlyWhatTheClientSent() throws Exception {
        upstream.reply(FixtureReplay.reply(Fixtures.root().resolve("openai/stream-parallel-tools")));
        String request = "{\"model\":\"usage-off\",\"stream\":true%s,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", request.formatted(""), GatewayHarness.ADMIN_TOKEN).statusCode());
        JsonNode plain = Json.MAPPER.readTree(upstream.take().body());
        assertTrue(plain.path("stream").asBoolean(), plain.toString());
        assertFalse(plain.has("stream_options"), plain.toString());

        String asked = ",\"stream_options\":{\"include_usage\":true}";
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", request.formatted(asked), GatewayHarness.ADMIN_TOKEN).statusCode());
        assertEquals(Json.MAPPER.readTree("{\"include_usage\":true}"),
                Json.MAPPER.readTree(upstream.take().body()).get("stream_options"), "the client's own wish goes as sent");
    }

    @Test
    void azureIsAskedByDefaultOnlyWhenItsApiVersionTakesTheField() throws Exception {
        upstream.reply(FixtureReplay.reply(Fixtures.root().resolve("azure_openai/stream-parallel-tools")));
        String request = "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", request.formatted("usage-azure-old"),
                GatewayHarness.ADMIN_TOKEN).statusCode());
        FakeUpstream.Received old = upstream.take();
        assertTrue(old.query().contains("api-version=" + AzureOpenAiTransformer.DEFAULT_API_VERSION), old.query());
        assertFalse(Json.MAPPER.readTree(old.body()).has("stream_options"), "an api-version that rejects it: " + old.body());

        assertEquals(200, gateway.send("POST", "/v1/chat/completions", request.formatted("usage-azure-forced"),
                GatewayHarness.ADMIN_TOKEN).statusCode());
        assertTrue(Json.MAPPER.readTree(upstream.take().body()).path("stream_options").path("include_usage").asBoolean(),
                "stream_usage: true asks whatever the api-version");
    }

    @Test
    void theAdminApiTakesOnlyTrueOrFalse() throws Exception {
        for (String bad : new String[] {"\"no\"", "0", "{}"}) {
            HttpResponse<String> refused = gateway.send("POST", "/llm/providers",
                    "{\"name\":\"flag-p\",\"provider_type\":\"openai\",\"config\":{\"stream_usage\":" + bad + "}}", GatewayHarness.ADMIN_TOKEN);
            assertEquals(422, refused.statusCode(), refused.body());
            JsonNode error = Json.MAPPER.readTree(refused.body()).get("error");
            assertEquals("config.stream_usage", error.get("param").asText(), refused.body());
            assertEquals("validation_failed", error.get("code").asText(), refused.body());
        }
        HttpResponse<String> created = gateway.send("POST", "/llm/providers",
                "{\"name\":\"flag-p\",\"provider_type\":\"openai\",\"config\":{\"stream_usage\":false}}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        String id = Json.MAPPER.readTree(created.body()).get("id").asText();
        HttpResponse<String> changed = gateway.send("PATCH", "/llm/providers/" + id, "{\"config\":{\"stream_usage\":\"yes\"}}",
                GatewayHarness.ADMIN_TOKEN);
        assertEquals(422, changed.statusCode(), changed.body());
        assertEquals(200, gateway.send("PATCH", "/llm/providers/" + id, "{\"config\":{\"stream_usage\":true}}",
                GatewayHarness.ADMIN_TOKEN).statusCode());
    }

    private static String key(String name, long tpm) throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", "{\"name\":\"" + name + "\",\"scopes\":[\"llm.invoke\"],"
                + "\"tpm_limit\":" + tpm + "}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body()).get("key").asText();
    }

    /** The chunks of an SSE body, without {@code [DONE]}. */
    private static List<JsonNode> chunks(String sse) throws Exception {
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                chunks.add(Json.MAPPER.readTree(line.substring(6)));
            }
        }
        return chunks;
    }

    /** The record of the first request made with the key named {@code keyName}. */
    private static Map<?, ?> recordOf(String keyName) throws InterruptedException {
        while (true) {
            Map<?, ?> record = RECORDS.poll(30, TimeUnit.SECONDS);
            assertNotNull(record, "no request record for key " + keyName);
            if (keyName.equals(record.get(RequestFinished.KEY_NAME))) {
                return record;
            }
        }
    }
}
