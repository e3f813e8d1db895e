package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.OpenAiError;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One Ollama NDJSON stream turned into OpenAI chunks: the role on the first chunk, content deltas, each tool
 * call whole under its own index, the finish chunk, the usage chunk, {@code [DONE]}. A line that is not
 * JSON, or an {@code error} line, ends the stream with an error event instead of being skipped.
 */
final class OllamaStream implements StreamTranslator {

    private final ChunkBuilder chunks;
    private boolean roleSent;
    private int toolCalls;
    private boolean done;

    OllamaStream(String model) {
        this.chunks = new ChunkBuilder(OpenAiShapes.newId("chatcmpl-"), OpenAiShapes.now(), model);
    }

    @Override
    public List<String> onEvent(String line) {
        if (done) {
            return List.of();
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(line);
        } catch (IOException e) {
            return fail(OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_protocol_error",
                    "Ollama sent a stream line that is not JSON"));
        }
        if (event.hasNonNull("error")) {
            return fail(OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_error", event.get("error").asText()));
        }
        chunks.identify(null, event.path("model").asText(null));
        List<String> out = new ArrayList<>(3);
        JsonNode message = event.path("message");
        String content = message.path("content").asText("");
        if (!content.isEmpty() || !roleSent) {
            out.add(chunks.chunk(withRole(chunks.delta().put("content", content)), null));
        }
        ArrayNode calls = OllamaTransformer.toolCalls(message.path("tool_calls"));
        for (JsonNode call : calls) {
            ObjectNode delta = withRole(chunks.delta());
            out.add(chunks.chunk(ChunkBuilder.toolCallDelta(delta, toolCalls++, call.path("id").asText(),
                    call.path("function").path("name").asText(), call.path("function").path("arguments").asText()), null));
        }
        if (event.path("done").asBoolean(false)) {
            out.add(chunks.chunk(chunks.delta(),
                    OllamaTransformer.finishReason(event.path("done_reason").asText(null), toolCalls > 0)));
            // always: the gateway meters it, and the client gets it only when it asked (stream.UsageTap)
            out.add(chunks.usage(OllamaTransformer.usage(event)));
            out.add("[DONE]");
            done = true;
        }
        return out;
    }

    private ObjectNode withRole(ObjectNode delta) {
        if (!roleSent) {
            roleSent = true;
            ObjectNode first = chunks.delta().put("role", "assistant");
            first.setAll(delta);
            return first;
        }
        return delta;
    }

    @Override
    public List<String> onEnd() {
        if (done) {
            return List.of();
        }
        return fail(OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_stream_truncated",
                "Ollama's stream ended before its final (done) line"));
    }

    private List<String> fail(OpenAiError error) {
        done = true;
        return List.of(Json.compactString(error.toJson()), "[DONE]");
    }
}
