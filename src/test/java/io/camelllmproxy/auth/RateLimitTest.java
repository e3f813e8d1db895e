package io.camelllmproxy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-key requests and tokens per minute, with the headers OpenAI clients read. */
class RateLimitTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), null, null,
                "{model_id: m, model_name: M}"), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static String key(String limits) throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", "{\"name\":\"limited\",\"scopes\":[\"llm.invoke\"]" + limits + "}",
                GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body()).get("key").asText();
    }

    @Test
    void requestsPerMinuteRunOutWith429AndTheHeaders() throws Exception {
        String key = key(",\"rpm_limit\":2");
        upstream.reply(new FakeUpstream.Json(200, "{}", Map.of("x-ratelimit-limit-requests", "9999")));
        HttpResponse<String> first = gateway.send("POST", "/v1/chat/completions", CHAT, key);
        assertEquals(200, first.statusCode());
        assertEquals("2", first.headers().firstValue("x-ratelimit-limit-requests").orElse(null),
                "the key's own limit replaces the provider's header");
        assertEquals("1", first.headers().firstValue("x-ratelimit-remaining-requests").orElse(null));
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", CHAT, key).statusCode());
        HttpResponse<String> third = gateway.send("POST", "/v1/chat/completions", CHAT, key);
        assertEquals(429, third.statusCode());
        JsonNode error = Json.MAPPER.readTree(third.body()).get("error");
        assertEquals("rate_limit_exceeded", error.get("code").asText());
        assertTrue(Integer.parseInt(third.headers().firstValue("retry-after").orElse("0")) >= 1);
        assertEquals("0", third.headers().firstValue("x-ratelimit-remaining-requests").orElse(null));
        assertTrue(third.headers().firstValue("x-ratelimit-reset-requests").orElse("").matches("\\d+(ms|s|m\\d+s)"));
        upstream.take();
        upstream.take();
        assertTrue(upstream.receivedNothing(), "the refused request never reached the provider");
    }

    @Test
    void tokensPerMinuteAreChargedFromReportedUsage() throws Exception {
        String key = key(",\"tpm_limit\":100");
        upstream.replyJson(200, "{\"choices\":[],\"usage\":{\"prompt_tokens\":90,\"completion_tokens\":60,\"total_tokens\":150}}");
        HttpResponse<String> first = gateway.send("POST", "/v1/chat/completions", CHAT, key);
        assertEquals(200, first.statusCode());
        HttpResponse<String> second = gateway.send("POST", "/v1/chat/completions", CHAT, key);
        assertEquals(429, second.statusCode(), "150 tokens used of 100 per minute");
        assertEquals("100", second.headers().firstValue("x-ratelimit-limit-tokens").orElse(null));
        assertEquals("0", second.headers().firstValue("x-ratelimit-remaining-tokens").orElse(null));
        upstream.take();

        String streamer = key(",\"tpm_limit\":100");
        upstream.replySse(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":80,\"completion_tokens\":40,\"total_tokens\":120}}", "[DONE]"), 0);
        String stream = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", stream, streamer).statusCode());
        assertEquals(429, gateway.send("POST", "/v1/chat/completions", stream, streamer).statusCode(),
                "a stream's usage chunk is charged too");
        upstream.take();
    }
}
