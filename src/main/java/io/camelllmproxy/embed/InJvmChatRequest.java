package io.camelllmproxy.embed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.auth.AuthGate;
import io.camelllmproxy.auth.KeyRing;
import io.camelllmproxy.auth.KeyUsage;
import io.camelllmproxy.auth.RateLimitHeaders;
import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.auth.Scopes;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.events.RequestEvents;
import io.camelllmproxy.http.ChatRequestValidator;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.http.RequestIds;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.usage.KeyBudgets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * First step of an in-JVM chat call (on the gateway's copy of the caller's exchange): applies the gateway key
 * the caller names in {@code LlmApiKey}, if any (scope, budget, per-minute limits, accounting, as over HTTP), then reads
 * the body (a JSON String, byte[] or Map) with {@code model} replaced by {@code LlmModel} when given. Without a
 * key the call is trusted: it runs inside the host's own JVM.
 */
public class InJvmChatRequest implements Processor {

    /** Header naming the model, overriding the body's {@code model}. */
    public static final String MODEL = "LlmModel";
    /** Header carrying a gateway key whose scope, limits and accounting the call is held to. */
    public static final String API_KEY = "LlmApiKey";
    /**
     * Header with the call's request id, as {@code x-request-id} over HTTP: kept when it is a printable token of at
     * most 128 characters, else made; the caller gets it back in the same header.
     */
    public static final String REQUEST_ID = "LlmRequestId";

    private final KeyRing keys;
    private final RateLimiter limiter;
    private final KeyUsage usage;
    private final KeyBudgets budgets;

    public InJvmChatRequest(KeyRing keys, RateLimiter limiter, KeyUsage usage) {
        this(keys, limiter, usage, null);
    }

    /** @param budgets null when no budget is kept */
    public InJvmChatRequest(KeyRing keys, RateLimiter limiter, KeyUsage usage, KeyBudgets budgets) {
        this.keys = keys;
        this.limiter = limiter;
        this.usage = usage;
        this.budgets = budgets;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        exchange.setVariable(ExchangeKeys.REQUEST_ID, RequestIds.accept(in.getHeader(REQUEST_ID, String.class)));
        String key = in.getHeader(API_KEY, String.class);
        in.removeHeader(API_KEY);
        if (key != null && !key.isBlank()) {
            admit(key.trim(), exchange);
        }
        ObjectNode request = ChatRequestValidator.parse(withModel(body(in), in.getHeader(MODEL, String.class)));
        exchange.setVariable(ExchangeKeys.CHAT_REQUEST, request);
        exchange.setVariable(ExchangeKeys.MODEL_NAME, request.get("model").asText());
        exchange.setVariable(ExchangeKeys.STREAM, request.path("stream").asBoolean(false));
        in.setBody(null);
    }

    /**
     * Puts the key's identity on the exchange once it authenticates with the scope, so a call its limits refuse is
     * still recorded for the key; throws as over HTTP when it does not pass (401, 403, 429).
     */
    private void admit(String key, Exchange exchange) {
        ApiKeyIdentity identity = keys.authenticate(key);
        if (identity == null || !identity.has(Scopes.INVOKE)) {
            exchange.setVariable(RequestEvents.KEY_REFUSED, true);
        }
        if (identity == null) {
            throw new GatewayException(OpenAiError.of(401, OpenAiError.INVALID_REQUEST, "invalid_api_key",
                    "Incorrect, revoked or expired API key in the " + API_KEY + " header"));
        }
        if (!identity.has(Scopes.INVOKE)) {
            throw new GatewayException(OpenAiError.of(403, "permission_error", "insufficient_scope",
                    "This key lacks the '" + Scopes.INVOKE + "' scope needed for chat completions"));
        }
        usage.touch(identity);
        exchange.setVariable(ExchangeKeys.IDENTITY, identity);
        KeyBudgets.Verdict budget = budgets == null ? null : budgets.check(identity);
        if (budget != null && !budget.allowed()) {
            OpenAiError refused = AuthGate.budgetExceeded(identity, budget);
            throw new GatewayException(new OpenAiError(refused.status(), refused.type(), refused.code(), null,
                    refused.message(), Map.of("Retry-After", String.valueOf(budget.retryAfterSeconds()))));
        }
        if (identity.limited()) {
            RateLimiter.Decision decision = limiter.admit(identity);
            if (!decision.allowed()) {
                throw new GatewayException(new OpenAiError(429, "rate_limit_error", "rate_limit_exceeded", null,
                        "Rate limit reached for " + decision.deniedBy() + " per minute on key '" + identity.name()
                                + "'; retry after " + Math.max(1, decision.retryAfterSeconds()) + " s",
                        RateLimitHeaders.of(decision)));
            }
        }
    }

    private static byte[] body(Message in) throws JsonProcessingException {
        Object body = in.getBody();
        if (body instanceof Map<?, ?> || body instanceof JsonNode) {
            return Json.MAPPER.writeValueAsBytes(body);
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return body == null ? null : in.getBody(byte[].class);
    }

    /** The body with {@code model} set to {@code model}; as it is when no model is given or it is no JSON object. */
    private static byte[] withModel(byte[] body, String model) {
        if (model == null || model.isBlank() || body == null) {
            return body;
        }
        try {
            if (Json.MAPPER.readTree(body) instanceof ObjectNode request) {
                request.put("model", model.trim());
                return Json.MAPPER.writeValueAsBytes(request);
            }
        } catch (java.io.IOException e) {
            // left to the validator, which names the problem
        }
        return body;
    }
}
