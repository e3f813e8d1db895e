package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.ModelTarget;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI wire schema (OpenAI, OpenAI-compatible servers, Mistral, Groq, Together, Ollama's {@code /v1}).
 * The client's request goes out as sent, but for {@code model}, the provider's configured defaults for
 * fields the client left out and, on a stream, {@code stream_options.include_usage} (see {@link StreamUsage});
 * responses and stream events come back untouched.
 */
public class OpenAiTransformer implements WireTransformer {

    static final String DEFAULT_BASE = "https://api.openai.com/v1";

    @Override
    public UpstreamRequest request(ObjectNode request, ModelTarget target) {
        if (target.defaultTemperature() != null && !request.has("temperature")) {
            request.put("temperature", target.defaultTemperature());
        }
        if (target.defaultMaxTokens() != null && !request.has("max_tokens") && !request.has("max_completion_tokens")) {
            request.put("max_tokens", target.defaultMaxTokens());
        }
        setModel(request, target);
        boolean stream = isStream(request);
        ObjectNode sent = stream && asksForUsage(target) ? StreamUsage.askingForUsage(request) : request;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", stream ? "text/event-stream" : "application/json");
        return new UpstreamRequest(url(target), headers, Json.compact(sent));
    }

    /** Whether a stream asks the provider for usage: {@code config.stream_usage}, yes when it is not set. */
    protected boolean asksForUsage(ModelTarget target) {
        Boolean configured = StreamUsage.configured(target.config());
        return configured == null || configured;
    }

    /** The registry's model id replaces the name the client used. */
    protected void setModel(ObjectNode request, ModelTarget target) {
        request.put("model", target.modelId());
    }

    protected String url(ModelTarget target) {
        String base = target.apiBase() != null ? target.apiBase() : DEFAULT_BASE;
        return WireSchema.stripTrailingSlashes(base) + "/chat/completions";
    }

    @Override
    public byte[] response(byte[] upstreamBody, ObjectNode request, ModelTarget target) {
        return upstreamBody;
    }

    @Override
    public StreamTranslator stream(ObjectNode request, ModelTarget target) {
        return new PassThrough();
    }

    static boolean isStream(ObjectNode request) {
        return request.path("stream").asBoolean(false);
    }

    /**
     * OpenAI chunks are relayed as they are, unparsed (so Azure's filter-only chunks pass untouched too);
     * only a missing {@code [DONE]} is supplied at the end.
     */
    static final class PassThrough implements StreamTranslator {
        private boolean done;

        @Override
        public List<String> onEvent(String data) {
            if (done) {
                return List.of();
            }
            if ("[DONE]".equals(data)) {
                done = true;
            }
            return List.of(data);
        }

        @Override
        public List<String> onEnd() {
            return done ? List.of() : List.of("[DONE]");
        }
    }
}
