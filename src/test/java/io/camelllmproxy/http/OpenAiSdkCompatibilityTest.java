package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.FixtureReplay;
import io.camelllmproxy.support.Fixtures;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The official OpenAI Java SDK, streaming through the gateway from translated providers: its chunk
 * accumulator must rebuild exactly the text and tool calls the provider sent. Expectations are read from
 * the provider's recorded stream itself, not from our translation of it.
 */
class OpenAiSdkCompatibilityTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static OpenAIClient client;

    static List<Path> streams() throws Exception {
        Path root = Fixtures.root();
        return List.of(root.resolve("anthropic/stream-text"), root.resolve("anthropic/stream-parallel-tools-usage"),
                root.resolve("ollama/stream-text-usage"), root.resolve("ollama/stream-parallel-tools"));
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start(FixtureReplay.registry(streams(), upstream), Map.of());
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.url("/v1")).apiKey(GatewayHarness.ADMIN_TOKEN).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void theSdkRebuildsWhatTheProviderSent(Path caseDir) throws Exception {
        upstream.reply(FixtureReplay.reply(caseDir));
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(FixtureReplay.modelName(caseDir)).addUserMessage("go").build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        upstream.take();
        ChatCompletionMessage message = accumulator.chatCompletion().choices().get(0).message();
        Sent sent = caseDir.getParent().getFileName().toString().equals("anthropic") ? fromAnthropic(caseDir) : fromOllama(caseDir);

        assertEquals(sent.text(), message.content().orElse(""));
        List<ChatCompletionMessageToolCall> calls = message.toolCalls().orElse(List.of());
        assertEquals(sent.calls().size(), calls.size());
        for (int i = 0; i < calls.size(); i++) {
            ChatCompletionMessageFunctionToolCall call = calls.get(i).asFunction();
            Call expected = sent.calls().get(i);
            if (expected.id() != null) {
                assertEquals(expected.id(), call.id());
            }
            assertEquals(expected.name(), call.function().name());
            assertEquals(expected.arguments(), Json.MAPPER.readTree(call.function().arguments()));
        }
    }

    /** One tool call as the provider sent it; Ollama's calls carry no id. */
    record Call(String id, String name, JsonNode arguments) {
    }

    /** Text and tool calls, in order, as the provider sent them. */
    record Sent(String text, List<Call> calls) {
    }

    static Sent fromAnthropic(Path caseDir) throws Exception {
        StringBuilder text = new StringBuilder();
        Map<Integer, String[]> blocks = new LinkedHashMap<>();
        for (String line : Files.readAllLines(caseDir.resolve("upstream-response.sse"))) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            JsonNode event = Json.MAPPER.readTree(line.substring(6));
            int index = event.path("index").asInt();
            if (event.path("content_block").path("type").asText().equals("tool_use")) {
                JsonNode block = event.get("content_block");
                blocks.put(index, new String[] {block.get("id").asText(), block.get("name").asText(), ""});
            }
            JsonNode delta = event.path("delta");
            if (delta.path("type").asText().equals("text_delta")) {
                text.append(delta.get("text").asText());
            } else if (delta.path("type").asText().equals("input_json_delta")) {
                blocks.get(index)[2] += delta.get("partial_json").asText();
            }
        }
        List<Call> calls = new ArrayList<>();
        for (String[] block : blocks.values()) {
            calls.add(new Call(block[0], block[1], Json.MAPPER.readTree(block[2])));
        }
        return new Sent(text.toString(), calls);
    }

    static Sent fromOllama(Path caseDir) throws Exception {
        StringBuilder text = new StringBuilder();
        List<Call> calls = new ArrayList<>();
        for (String line : Files.readAllLines(caseDir.resolve("upstream-response.ndjson"))) {
            JsonNode message = Json.MAPPER.readTree(line).path("message");
            text.append(message.path("content").asText(""));
            for (JsonNode call : message.path("tool_calls")) {
                calls.add(new Call(null, call.path("function").path("name").asText(), call.path("function").path("arguments")));
            }
        }
        return new Sent(text.toString(), calls);
    }
}
