package io.camelllmproxy.openapi;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.AdditionalPropertiesValue;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;

import java.util.List;
import java.util.Map;

/** The OpenAI-compatible endpoints' bodies, as far as the gateway reads or writes them. */
@SuppressWarnings({"checkstyle:MemberName", "unused"})
public final class OpenAiSchemas {

    private OpenAiSchemas() {
    }

    @Schema(name = "ChatCompletionRequest", additionalProperties = AdditionalPropertiesValue.TRUE,
            description = "OpenAI's chat completion request; every other OpenAI field is passed to OpenAI-style providers as sent")
    public static class ChatCompletionRequest {
        @Schema(requiredMode = RequiredMode.REQUIRED, description = "A model name: row id, model_id, model_alias or provider/model_id")
        public String model;
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public List<ChatMessage> messages;
        @Schema(description = "true: the answer is a text/event-stream of chat.completion.chunk events ending in data: [DONE]")
        public Boolean stream;
        @Schema(description = "include_usage: true adds a usage chunk to a stream")
        public Map<String, Object> stream_options;
        @Schema(minimum = "0", maximum = "2")
        public Double temperature;
        public Double top_p;
        public Integer max_tokens;
        public Integer max_completion_tokens;
        public Integer n;
        @Schema(anyOf = {String.class, String[].class})
        public Object stop;
        public List<Map<String, Object>> tools;
        @Schema(anyOf = {String.class, Map.class})
        public Object tool_choice;
        public Map<String, Object> response_format;
        public String user;
    }

    @Schema(name = "ChatMessage", additionalProperties = AdditionalPropertiesValue.TRUE)
    public static class ChatMessage {
        @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"system", "developer", "user", "assistant", "tool"})
        public String role;
        @Schema(nullable = true, anyOf = {String.class, Map[].class}, description = "Text, or an array of content parts")
        public Object content;
        public String name;
        public List<Map<String, Object>> tool_calls;
        public String tool_call_id;
    }

    @Schema(name = "ChatCompletion", additionalProperties = AdditionalPropertiesValue.TRUE,
            description = "A non-streamed answer (OpenAI-style providers' answers are relayed as they are)")
    public static class ChatCompletion {
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public String id;
        @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "chat.completion")
        public String object;
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public Long created;
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public String model;
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public List<ChatChoice> choices;
        public Usage usage;
        public String system_fingerprint;
    }

    @Schema(name = "ChatChoice", additionalProperties = AdditionalPropertiesValue.TRUE)
    public static class ChatChoice {
        public Integer index;
        public ChatMessage message;
        @Schema(nullable = true, description = "stop, length, tool_calls or content_filter")
        public String finish_reason;
        @Schema(nullable = true)
        public Map<String, Object> logprobs;
    }

    @Schema(name = "Usage", additionalProperties = AdditionalPropertiesValue.TRUE)
    public static class Usage {
        public Integer prompt_tokens;
        public Integer completion_tokens;
        public Integer total_tokens;
    }

    @Schema(name = "Model", description = "OpenAI's model object")
    public static class Model {
        @Schema(requiredMode = RequiredMode.REQUIRED, description = "A name that resolves to this model")
        public String id;
        @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "model")
        public String object;
        @Schema(requiredMode = RequiredMode.REQUIRED, description = "Unix seconds")
        public Long created;
        @Schema(requiredMode = RequiredMode.REQUIRED, description = "The provider's name")
        public String owned_by;
    }

    @Schema(name = "ModelList")
    public static class ModelList {
        @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "list")
        public String object;
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public List<Model> data;
    }

    @Schema(name = "ErrorResponse", description = "Every error, on every endpoint")
    public static class ErrorResponse {
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public ErrorDetail error;
    }

    @Schema(name = "ErrorDetail")
    public static class ErrorDetail {
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public String message;
        @Schema(requiredMode = RequiredMode.REQUIRED, description = "invalid_request_error, authentication_error, rate_limit_error, server_error, ...")
        public String type;
        @Schema(requiredMode = RequiredMode.REQUIRED, nullable = true, description = "The request field at fault")
        public String param;
        @Schema(requiredMode = RequiredMode.REQUIRED, nullable = true, description = "Machine-readable code, e.g. model_not_found")
        public String code;
        @Schema(description = "Admin API 422: one entry per invalid field")
        public List<FieldProblem> fields;
    }

    @Schema(name = "FieldProblem")
    public static class FieldProblem {
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public String field;
        @Schema(requiredMode = RequiredMode.REQUIRED)
        public String message;
    }
}
