package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the OpenAI {@code chat.completion.chunk} payloads of one translated stream; every chunk of a
 * stream carries the same id, created time and model, as OpenAI's do.
 */
public final class ChunkBuilder {

    private String id;
    private long created;
    private String model;

    public ChunkBuilder(String id, long created, String model) {
        this.id = id;
        this.created = created;
        this.model = model;
    }

    public void identify(String id, String model) {
        if (id != null) {
            this.id = id;
        }
        if (model != null) {
            this.model = model;
        }
    }

    public ObjectNode delta() {
        return Json.MAPPER.createObjectNode();
    }

    /** One choice with the given delta and finish reason (null while the answer goes on). */
    public String chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = head();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return Json.compactString(chunk);
    }

    /** The closing chunk of {@code stream_options.include_usage}: no choices, only usage. */
    public String usage(ObjectNode usage) {
        ObjectNode chunk = head();
        chunk.putArray("choices");
        chunk.set("usage", usage);
        return Json.compactString(chunk);
    }

    /** A tool-call delta entry: {@code {index, id?, type?, function: {name?, arguments}}}. */
    public static ObjectNode toolCallDelta(ObjectNode delta, int index, String callId, String name, String arguments) {
        ArrayNode calls = delta.putArray("tool_calls");
        ObjectNode call = calls.addObject().put("index", index);
        if (callId != null) {
            call.put("id", callId).put("type", "function");
        }
        ObjectNode function = call.putObject("function");
        if (name != null) {
            function.put("name", name);
        }
        function.put("arguments", arguments);
        return delta;
    }

    private ObjectNode head() {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }
}
