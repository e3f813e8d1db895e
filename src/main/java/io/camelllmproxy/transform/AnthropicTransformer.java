package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.security.CredentialScheme;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat completions to and from Anthropic's Messages API: system and developer messages, merged
 * turns, tool calls and results, images, tool choice, stop reasons and usage, in both directions.
 */
public class AnthropicTransformer implements WireTransformer {

    static final String DEFAULT_BASE = "https://api.anthropic.com";
    static final String DEFAULT_VERSION = "2023-06-01";
    static final int DEFAULT_MAX_TOKENS = 4096;

    @Override
    public UpstreamRequest request(ObjectNode request, ModelTarget target) {
        OpenAiShapes.rejectUnsupported(request, "Anthropic");
        rejectWhatAnthropicCannotTake(request);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", target.modelId());
        AnthropicMessages messages = AnthropicMessages.from(request.path("messages"));
        if (messages.system() != null) {
            body.set("system", messages.system());
        }
        body.set("messages", messages.turns());
        body.put("max_tokens", OpenAiShapes.maxTokens(request, target.defaultMaxTokens(), DEFAULT_MAX_TOKENS));
        JsonNode stop = request.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = body.putArray("stop_sequences");
            if (stop.isArray()) {
                stop.forEach(sequences::add);
            } else {
                sequences.add(stop.asText());
            }
        }
        temperature(request, target, body);
        if (request.has("top_p") && !request.get("top_p").isNull()) {
            body.set("top_p", request.get("top_p"));
        }
        tools(request, body);
        if (request.hasNonNull("user")) {
            body.putObject("metadata").put("user_id", request.get("user").asText());
        }
        if (OpenAiTransformer.isStream(request)) {
            body.put("stream", true);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", OpenAiTransformer.isStream(request) ? "text/event-stream" : "application/json");
        headers.put("anthropic-version", version(target));
        return new UpstreamRequest(versionedBase(target.apiBase()) + "/messages", headers, Json.compact(body));
    }

    /**
     * Anthropic's API root with its {@code /v1}: an {@code api_base} may name the host alone (Anthropic's own
     * docs) or end in {@code /v1} as OpenAI bases do, with or without a trailing slash.
     */
    public static String versionedBase(String apiBase) {
        String base = WireSchema.stripTrailingSlashes(apiBase != null ? apiBase : DEFAULT_BASE);
        return base.endsWith("/v1") ? base : base + "/v1";
    }

    private static void rejectWhatAnthropicCannotTake(ObjectNode request) {
        String format = request.path("response_format").path("type").asText("text");
        if (!format.equals("text")) {
            throw OpenAiShapes.unsupported("response_format",
                    "Anthropic has no response_format '" + format + "'; describe the JSON in the prompt or use a tool");
        }
        for (String penalty : new String[] {"frequency_penalty", "presence_penalty"}) {
            JsonNode value = request.get(penalty);
            if (value != null && !value.isNull() && value.asDouble() != 0) {
                throw OpenAiShapes.unsupported(penalty, "Anthropic has no " + penalty);
            }
        }
    }

    private static void temperature(ObjectNode request, ModelTarget target, ObjectNode body) {
        JsonNode value = request.get("temperature");
        if (value == null || value.isNull()) {
            if (target.defaultTemperature() == null) {
                return;
            }
            value = Json.MAPPER.getNodeFactory().numberNode(target.defaultTemperature());
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw new GatewayException(new OpenAiError(400, OpenAiError.INVALID_REQUEST, "invalid_value", "temperature",
                    "Anthropic accepts a temperature between 0 and 1, not " + value, null));
        }
        body.set("temperature", value);
    }

    private static void tools(ObjectNode request, ObjectNode body) {
        JsonNode tools = request.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = body.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode function = tools.get(i).path("function");
                if (!"function".equals(tools.get(i).path("type").asText("function")) || !function.hasNonNull("name")) {
                    throw GatewayException.badRequest("invalid_value", "tools[" + i + "]",
                            "'tools[" + i + "]' must be a function tool with a name");
                }
                ObjectNode tool = out.addObject().put("name", function.get("name").asText());
                if (function.hasNonNull("description")) {
                    tool.put("description", function.get("description").asText());
                }
                JsonNode schema = function.get("parameters");
                tool.set("input_schema", schema != null && schema.isObject() ? schema
                        : Json.MAPPER.createObjectNode().put("type", "object").set("properties", Json.MAPPER.createObjectNode()));
            }
        }
        JsonNode choice = request.get("tool_choice");
        boolean serial = request.has("parallel_tool_calls") && !request.get("parallel_tool_calls").asBoolean(true);
        ObjectNode mapped = null;
        if (choice != null && !choice.isNull()) {
            if (choice.isTextual()) {
                mapped = Json.MAPPER.createObjectNode().put("type", switch (choice.asText()) {
                    case "auto" -> "auto";
                    case "required" -> "any";
                    case "none" -> "none";
                    default -> throw GatewayException.badRequest("invalid_value", "tool_choice",
                            "'tool_choice' must be auto, required, none or a named function");
                });
            } else {
                String name = choice.path("function").path("name").asText("");
                if (name.isEmpty()) {
                    throw GatewayException.badRequest("invalid_value", "tool_choice", "a named 'tool_choice' needs function.name");
                }
                mapped = Json.MAPPER.createObjectNode().put("type", "tool").put("name", name);
            }
        }
        if (serial && body.has("tools")) {
            if (mapped == null) {
                mapped = Json.MAPPER.createObjectNode().put("type", "auto");
            }
            if (!"none".equals(mapped.path("type").asText())) {
                mapped.put("disable_parallel_tool_use", true);
            }
        }
        if (mapped != null) {
            body.set("tool_choice", mapped);
        }
    }

    private static String version(ModelTarget target) {
        String configured = target.config().path("anthropic_version").asText("");
        if (!configured.isBlank()) {
            return configured;
        }
        return target.apiVersion() != null ? target.apiVersion() : DEFAULT_VERSION;
    }

    @Override
    public byte[] response(byte[] upstreamBody, ObjectNode request, ModelTarget target) {
        JsonNode message = OpenAiShapes.upstreamJson(upstreamBody, "Anthropic");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.addObject()
                        .put("id", block.path("id").asText())
                        .put("type", "function")
                        .putObject("function")
                        .put("name", block.path("name").asText())
                        .put("arguments", Json.compactString(block.path("input").isMissingNode()
                                ? Json.MAPPER.createObjectNode() : block.get("input")));
                default -> {
                    // thinking, redacted_thinking and server-tool blocks have no place in an OpenAI message
                }
            }
        }
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", message.path("id").asText(OpenAiShapes.newId("chatcmpl-")));
        completion.put("object", "chat.completion");
        completion.put("created", OpenAiShapes.now());
        completion.put("model", message.path("model").asText(target.modelId()));
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode out = choice.putObject("message").put("role", "assistant");
        if (text.length() == 0 && !calls.isEmpty()) {
            out.putNull("content");
        } else {
            out.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            out.set("tool_calls", calls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message.path("stop_reason").asText(null)));
        completion.set("usage", usage(message.path("usage"), message.path("usage")));
        return Json.compact(completion);
    }

    /** Anthropic's stop reasons in OpenAI's terms. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * Anthropic counts cache reads and writes apart from {@code input_tokens}; OpenAI's prompt tokens include
     * cached ones, with the cache hits in {@code prompt_tokens_details.cached_tokens}.
     */
    static ObjectNode usage(JsonNode start, JsonNode end) {
        long cacheRead = start.path("cache_read_input_tokens").asLong(0);
        long cacheWrite = start.path("cache_creation_input_tokens").asLong(0);
        long input = start.path("input_tokens").asLong(0);
        boolean cacheReported = start.has("cache_read_input_tokens") || start.has("cache_creation_input_tokens");
        return OpenAiShapes.usage(input + cacheRead + cacheWrite, end.path("output_tokens").asLong(0),
                cacheReported ? cacheRead : null);
    }

    @Override
    public StreamTranslator stream(ObjectNode request, ModelTarget target) {
        return new AnthropicStream(target.modelId());
    }

    @Override
    public CredentialScheme credentialScheme() {
        return CredentialScheme.X_API_KEY;
    }

    /** Anthropic's {@code {"type":"error","error":{type,message}}}; 529 (overloaded) is told as 503. */
    @Override
    public OpenAiError error(int status, byte[] upstreamBody, ModelTarget target) {
        OpenAiError error = UpstreamErrors.fromBody(status == 529 ? 503 : status, upstreamBody, target.credential());
        String code = error.code() != null ? error.code() : error.type();
        return new OpenAiError(error.status(), error.type(), code, error.param(), error.message(), error.headers());
    }

    /** OpenAI messages as Anthropic's {@code system} and alternating {@code messages}. */
    record AnthropicMessages(JsonNode system, ArrayNode turns) {

        static AnthropicMessages from(JsonNode messages) {
            List<String> system = new ArrayList<>();
            ArrayNode turns = Json.MAPPER.createArrayNode();
            String lastRole = null;
            ArrayNode lastBlocks = null;
            for (int i = 0; i < messages.size(); i++) {
                JsonNode message = messages.get(i);
                String param = "messages[" + i + "]";
                String role = message.path("role").asText();
                if (role.equals("system") || role.equals("developer")) {
                    system.add(OpenAiShapes.text(message.get("content"), param + ".content"));
                    continue;
                }
                String turnRole = switch (role) {
                    case "user", "tool" -> "user";
                    case "assistant" -> "assistant";
                    default -> throw GatewayException.badRequest("invalid_value", param + ".role",
                            "Anthropic has no '" + role + "' role");
                };
                ArrayNode blocks = role.equals("tool") ? toolResult(message, param)
                        : role.equals("assistant") ? assistant(message, param) : content(message.get("content"), param + ".content");
                if (turnRole.equals(lastRole)) {
                    lastBlocks.addAll(blocks);
                } else {
                    lastBlocks = blocks;
                    lastRole = turnRole;
                    turns.addObject().put("role", turnRole).set("content", blocks);
                }
            }
            for (JsonNode turn : turns) {
                JsonNode blocks = turn.get("content");
                if (blocks.size() == 1 && "text".equals(blocks.get(0).path("type").asText()) && blocks.get(0).size() == 2) {
                    ((ObjectNode) turn).put("content", blocks.get(0).get("text").asText());
                }
            }
            JsonNode systemNode = null;
            if (system.size() == 1) {
                systemNode = Json.MAPPER.getNodeFactory().textNode(system.get(0));
            } else if (system.size() > 1) {
                ArrayNode parts = Json.MAPPER.createArrayNode();
                system.forEach(s -> parts.addObject().put("type", "text").put("text", s));
                systemNode = parts;
            }
            return new AnthropicMessages(systemNode, turns);
        }

        private static ArrayNode content(JsonNode content, String param) {
            ArrayNode blocks = Json.MAPPER.createArrayNode();
            if (content == null || content.isNull()) {
                return blocks;
            }
            if (content.isTextual()) {
                if (!content.asText().isEmpty()) {
                    blocks.addObject().put("type", "text").put("text", content.asText());
                }
                return blocks;
            }
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                String partParam = param + "[" + i + "]";
                switch (part.path("type").asText()) {
                    case "text" -> blocks.addObject().put("type", "text").put("text", part.path("text").asText());
                    case "image_url" -> blocks.add(image(part.path("image_url").path("url").asText(null), partParam));
                    case "file" -> blocks.add(document(part.path("file"), partParam));
                    default -> throw OpenAiShapes.unsupported(partParam,
                            "Anthropic does not accept content parts of type '" + part.path("type").asText() + "'");
                }
            }
            return blocks;
        }

        private static ObjectNode image(String url, String param) {
            ObjectNode block = Json.MAPPER.createObjectNode().put("type", "image");
            String[] data = OpenAiShapes.dataUrl(url);
            if (data != null) {
                block.putObject("source").put("type", "base64").put("media_type", data[0]).put("data", data[1]);
            } else if (url != null && (url.startsWith("https://") || url.startsWith("http://"))) {
                block.putObject("source").put("type", "url").put("url", url);
            } else {
                throw GatewayException.badRequest("invalid_value", param + ".image_url.url",
                        "an image must be a data: URL or an http(s) URL");
            }
            return block;
        }

        private static ObjectNode document(JsonNode file, String param) {
            String[] data = OpenAiShapes.dataUrl(file.path("file_data").asText(null));
            if (data == null) {
                throw OpenAiShapes.unsupported(param, "Anthropic takes files inline only, as file.file_data data: URLs");
            }
            ObjectNode block = Json.MAPPER.createObjectNode().put("type", "document");
            block.putObject("source").put("type", "base64").put("media_type", data[0]).put("data", data[1]);
            return block;
        }

        private static ArrayNode assistant(JsonNode message, String param) {
            ArrayNode blocks = content(message.get("content"), param + ".content");
            JsonNode calls = OpenAiShapes.toolCalls(message);
            for (int i = 0; i < calls.size(); i++) {
                JsonNode call = calls.get(i);
                String callParam = param + ".tool_calls[" + i + "]";
                blocks.addObject()
                        .put("type", "tool_use")
                        .put("id", call.path("id").asText())
                        .put("name", call.path("function").path("name").asText())
                        .set("input", OpenAiShapes.arguments(call, callParam + ".function.arguments"));
            }
            return blocks;
        }

        private static ArrayNode toolResult(JsonNode message, String param) {
            ArrayNode blocks = Json.MAPPER.createArrayNode();
            ObjectNode result = blocks.addObject().put("type", "tool_result")
                    .put("tool_use_id", message.path("tool_call_id").asText());
            JsonNode content = message.get("content");
            if (content != null && content.isArray()) {
                result.set("content", content(content, param + ".content"));
            } else {
                result.put("content", content == null || content.isNull() ? "" : content.asText());
            }
            return blocks;
        }
    }
}
