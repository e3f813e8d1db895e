package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.ModelTarget;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI chat completions to and from Ollama's native {@code /api/chat}: sampling options under
 * {@code options}, images as base64, tool calls with object arguments, NDJSON streams.
 */
public class OllamaTransformer implements WireTransformer {

    static final String DEFAULT_BASE = "http://localhost:11434";

    @Override
    public StreamFraming framing() {
        return StreamFraming.NDJSON;
    }

    @Override
    public UpstreamRequest request(ObjectNode request, ModelTarget target) {
        OpenAiShapes.rejectUnsupported(request, "Ollama");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", target.modelId());
        body.set("messages", messages(request.path("messages")));
        boolean toolsOff = "none".equals(request.path("tool_choice").asText(""));
        JsonNode toolChoice = request.get("tool_choice");
        if (toolChoice != null && !toolChoice.isNull() && !toolsOff && !"auto".equals(toolChoice.asText(""))) {
            throw OpenAiShapes.unsupported("tool_choice", "Ollama cannot be made to call a tool; use auto or none");
        }
        JsonNode tools = request.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty() && !toolsOff) {
            body.set("tools", tools);
        }
        JsonNode format = request.path("response_format");
        switch (format.path("type").asText("text")) {
            case "json_object" -> body.put("format", "json");
            case "json_schema" -> body.set("format", format.path("json_schema").path("schema"));
            case "text" -> {
                // the default
            }
            default -> throw OpenAiShapes.unsupported("response_format", "Ollama has no response_format '"
                    + format.path("type").asText() + "'");
        }
        body.set("options", options(request, target));
        String keepAlive = target.config().path("keep_alive").asText("");
        if (!keepAlive.isBlank()) {
            body.set("keep_alive", target.config().get("keep_alive"));
        }
        body.put("stream", OpenAiTransformer.isStream(request));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", OpenAiTransformer.isStream(request) ? "application/x-ndjson" : "application/json");
        String base = target.apiBase() != null ? target.apiBase() : DEFAULT_BASE;
        return new UpstreamRequest(WireSchema.stripTrailingSlashes(base) + "/api/chat", headers, Json.compact(body));
    }

    private static ObjectNode options(ObjectNode request, ModelTarget target) {
        ObjectNode options = Json.MAPPER.createObjectNode();
        if (request.hasNonNull("temperature")) {
            options.set("temperature", request.get("temperature"));
        } else if (target.defaultTemperature() != null) {
            options.put("temperature", target.defaultTemperature());
        }
        if (request.hasNonNull("top_p")) {
            options.set("top_p", request.get("top_p"));
        }
        Integer numPredict = OpenAiShapes.maxTokens(request, target.defaultMaxTokens(), null);
        if (numPredict != null) {
            options.put("num_predict", numPredict);
        }
        JsonNode stop = request.get("stop");
        if (stop != null && !stop.isNull()) {
            options.set("stop", stop.isArray() ? stop : Json.MAPPER.createArrayNode().add(stop.asText()));
        }
        for (String field : new String[] {"seed", "frequency_penalty", "presence_penalty"}) {
            if (request.hasNonNull(field)) {
                options.set(field, request.get(field));
            }
        }
        return options;
    }

    private static ArrayNode messages(JsonNode messages) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            String role = message.path("role").asText();
            ObjectNode mapped = out.addObject().put("role", role.equals("developer") ? "system" : role);
            JsonNode content = message.get("content");
            StringBuilder text = new StringBuilder();
            ArrayNode images = null;
            if (content != null && content.isArray()) {
                for (int p = 0; p < content.size(); p++) {
                    JsonNode part = content.get(p);
                    String type = part.path("type").asText();
                    if (type.equals("text")) {
                        text.append(text.length() > 0 ? "\n" : "").append(part.path("text").asText());
                    } else if (type.equals("image_url")) {
                        String[] data = OpenAiShapes.dataUrl(part.path("image_url").path("url").asText(null));
                        if (data == null) {
                            throw OpenAiShapes.unsupported(param + ".content[" + p + "]",
                                    "Ollama takes images inline only: send them as data: URLs");
                        }
                        if (images == null) {
                            images = Json.MAPPER.createArrayNode();
                        }
                        images.add(data[1]);
                    } else {
                        throw OpenAiShapes.unsupported(param + ".content[" + p + "]",
                                "Ollama does not accept content parts of type '" + type + "'");
                    }
                }
            } else if (content != null && !content.isNull()) {
                text.append(content.asText());
            }
            mapped.put("content", text.toString());
            if (images != null) {
                mapped.set("images", images);
            }
            JsonNode calls = OpenAiShapes.toolCalls(message);
            if (!calls.isEmpty()) {
                ArrayNode mappedCalls = mapped.putArray("tool_calls");
                for (int c = 0; c < calls.size(); c++) {
                    JsonNode call = calls.get(c);
                    String name = call.path("function").path("name").asText();
                    toolNames.put(call.path("id").asText(), name);
                    ObjectNode function = mappedCalls.addObject().putObject("function");
                    function.put("name", name);
                    function.set("arguments", OpenAiShapes.arguments(call, param + ".tool_calls[" + c + "].function.arguments"));
                }
            }
            if (role.equals("tool")) {
                String name = toolNames.get(message.path("tool_call_id").asText());
                if (name != null) {
                    mapped.put("tool_name", name);
                }
            }
        }
        return out;
    }

    @Override
    public byte[] response(byte[] upstreamBody, ObjectNode request, ModelTarget target) {
        JsonNode answer = OpenAiShapes.upstreamJson(upstreamBody, "Ollama");
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", OpenAiShapes.newId("chatcmpl-"));
        completion.put("object", "chat.completion");
        completion.put("created", created(answer));
        completion.put("model", answer.path("model").asText(target.modelId()));
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        JsonNode message = answer.path("message");
        ObjectNode out = choice.putObject("message").put("role", "assistant");
        ArrayNode calls = toolCalls(message.path("tool_calls"));
        String content = message.path("content").asText("");
        if (content.isEmpty() && !calls.isEmpty()) {
            out.putNull("content");
        } else {
            out.put("content", content);
        }
        if (!calls.isEmpty()) {
            out.set("tool_calls", calls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(answer.path("done_reason").asText(null), !calls.isEmpty()));
        completion.set("usage", usage(answer));
        return Json.compact(completion);
    }

    /** Ollama's calls carry no id (or an id of its own); OpenAI clients need one to answer with results. */
    static ArrayNode toolCalls(JsonNode calls) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode call : calls) {
            JsonNode arguments = call.path("function").path("arguments");
            out.addObject()
                    .put("id", call.hasNonNull("id") ? call.get("id").asText() : OpenAiShapes.newId("call_"))
                    .put("type", "function")
                    .putObject("function")
                    .put("name", call.path("function").path("name").asText())
                    .put("arguments", arguments.isTextual() ? arguments.asText()
                            : Json.compactString(arguments.isMissingNode() ? Json.MAPPER.createObjectNode() : arguments));
        }
        return out;
    }

    static String finishReason(String doneReason, boolean calledTools) {
        if (calledTools) {
            return "tool_calls";
        }
        return "length".equals(doneReason) ? "length" : "stop";
    }

    static ObjectNode usage(JsonNode answer) {
        return OpenAiShapes.usage(answer.path("prompt_eval_count").asLong(0), answer.path("eval_count").asLong(0), null);
    }

    static long created(JsonNode answer) {
        try {
            return OffsetDateTime.parse(answer.path("created_at").asText()).toEpochSecond();
        } catch (RuntimeException e) {
            return OpenAiShapes.now();
        }
    }

    @Override
    public StreamTranslator stream(ObjectNode request, ModelTarget target) {
        return new OllamaStream(target.modelId());
    }
}
