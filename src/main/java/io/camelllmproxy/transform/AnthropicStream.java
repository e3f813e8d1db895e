package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.OpenAiError;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Anthropic stream turned into OpenAI chunks. Each {@code tool_use} block gets its own tool-call index
 * in order of appearance (0, 1, 2...), and its argument deltas are sent under that index only; thinking
 * blocks stay out of the content; usage is assembled from {@code message_start} and {@code message_delta}.
 */
final class AnthropicStream implements StreamTranslator {

    private final ChunkBuilder chunks;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private JsonNode startUsage = Json.MAPPER.createObjectNode();
    private JsonNode endUsage = Json.MAPPER.createObjectNode();
    private boolean started;
    private boolean done;

    AnthropicStream(String model) {
        this.chunks = new ChunkBuilder(OpenAiShapes.newId("chatcmpl-"), OpenAiShapes.now(), model);
    }

    @Override
    public List<String> onEvent(String data) {
        if (done) {
            return List.of();
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            return fail(new OpenAiError(502, OpenAiError.UPSTREAM_ERROR, "upstream_protocol_error", null,
                    "Anthropic sent an event that is not JSON", null));
        }
        List<String> out = new ArrayList<>(2);
        switch (event.path("type").asText()) {
            case "message_start" -> {
                JsonNode message = event.path("message");
                chunks.identify(message.path("id").asText(null), message.path("model").asText(null));
                startUsage = message.path("usage");
                started = true;
                out.add(chunks.chunk(chunks.delta().put("role", "assistant").put("content", ""), null));
            }
            case "content_block_start" -> {
                JsonNode block = event.path("content_block");
                if ("tool_use".equals(block.path("type").asText())) {
                    int index = toolIndexByBlock.size();
                    toolIndexByBlock.put(event.path("index").asInt(), index);
                    out.add(chunks.chunk(ChunkBuilder.toolCallDelta(chunks.delta(), index, block.path("id").asText(),
                            block.path("name").asText(), ""), null));
                } else if ("text".equals(block.path("type").asText()) && !block.path("text").asText("").isEmpty()) {
                    out.add(chunks.chunk(chunks.delta().put("content", block.path("text").asText()), null));
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> out.add(chunks.chunk(chunks.delta().put("content", delta.path("text").asText()), null));
                    case "input_json_delta" -> {
                        Integer index = toolIndexByBlock.get(event.path("index").asInt());
                        String partial = delta.path("partial_json").asText("");
                        if (index != null && !partial.isEmpty()) {
                            out.add(chunks.chunk(ChunkBuilder.toolCallDelta(chunks.delta(), index, null, null, partial), null));
                        }
                    }
                    default -> {
                        // thinking_delta, signature_delta, citations_delta: not part of an OpenAI message
                    }
                }
            }
            case "message_delta" -> {
                endUsage = event.path("usage");
                String reason = AnthropicTransformer.finishReason(event.path("delta").path("stop_reason").asText(null));
                out.add(chunks.chunk(chunks.delta(), reason != null ? reason : "stop"));
            }
            case "message_stop" -> {
                // always: the gateway meters it, and the client gets it only when it asked (stream.UsageTap)
                out.add(chunks.usage(AnthropicTransformer.usage(startUsage, endUsage)));
                out.add("[DONE]");
                done = true;
            }
            case "error" -> {
                JsonNode error = event.path("error");
                String type = error.path("type").asText("api_error");
                return fail(new OpenAiError("overloaded_error".equals(type) ? 503 : 502, type, type, null,
                        error.path("message").asText("Anthropic reported an error mid-stream"), null));
            }
            default -> {
                // ping, content_block_stop, and event types added later carry nothing to relay
            }
        }
        return out;
    }

    @Override
    public List<String> onEnd() {
        if (done) {
            return List.of();
        }
        return fail(new OpenAiError(502, OpenAiError.UPSTREAM_ERROR, "upstream_stream_truncated", null,
                started ? "Anthropic's stream ended before message_stop" : "Anthropic's stream ended before it began", null));
    }

    private List<String> fail(OpenAiError error) {
        done = true;
        ObjectNode body = error.toJson();
        return List.of(Json.compactString(body), "[DONE]");
    }
}
