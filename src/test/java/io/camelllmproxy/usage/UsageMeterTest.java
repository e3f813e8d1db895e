package io.camelllmproxy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream that reports its usage on many chunks (vLLM with {@code stream_options.continuous_usage_stats}, which a
 * client may send) reports running totals: the key's token limit is charged the last total, not their sum.
 */
class UsageMeterTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("meter-vllm-p", "openai", upstream.baseUrl(), "sk-meter-vllm",
                null, "{model_id: qwen, model_name: M, model_alias: meter-vllm}"), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void runningTotalsOnEveryChunkChargeTheLastTotalOnce() throws Exception {
        // 500 prompt tokens, 400 completion tokens at the end: 900 in all, reported five times on the way
        List<String> events = new ArrayList<>();
        for (int completion = 100; completion <= 400; completion += 100) {
            events.add("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"qwen\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"x\"},\"finish_reason\":" + (completion == 400 ? "\"stop\"" : "null") + "}],"
                    + usage(500, completion) + "}");
        }
        events.add("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"qwen\",\"choices\":[]," + usage(500, 400) + "}");
        events.add("[DONE]");
        upstream.replySse(events, 0);
        // room for one answer of 900 tokens; the sum of the reports (3900) would refuse the next request for minutes
        String key = key("meter-vllm-key", 1000);
        String request = "{\"model\":\"meter-vllm\",\"stream\":true,\"stream_options\":{\"include_usage\":true,"
                + "\"continuous_usage_stats\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> first = gateway.send("POST", "/v1/chat/completions", request, key);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains("\"total_tokens\":900"), "the client that asked got the usage: " + first.body());

        HttpResponse<String> next = gateway.send("POST", "/v1/chat/completions", request, key);
        assertEquals(200, next.statusCode(), "900 of the key's 1000 tokens were charged, not 3900: " + next.body());
    }

    @Test
    void aCompletionsBodyIsReadForItsTopLevelUsageAndModelOnly() {
        UsageMeter meter = new UsageMeter(null, null);
        meter.fromBody(("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"a \\\"usage\\\" word\",\"usage\":{\"prompt_tokens\":99},\"model\":\"inner\"}}],"
                + "\"model\":\"qwen-2\",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":2}},\"system_fingerprint\":null}").getBytes());
        assertEquals(new TokenUsage(7, 3, 2, 0), meter.usage(), "the top level's usage, nothing nested");
        assertEquals("qwen-2", meter.responseModel());

        UsageMeter none = new UsageMeter(null, null);
        none.fromBody("{\"model\":\"qwen-2\",\"usage\":null,\"choices\":[]}".getBytes());
        none.fromBody("not json".getBytes());
        none.fromBody("{\"usage\":{\"prompt_tokens\":1},".getBytes());
        assertEquals(null, none.usage(), "no usage object, or a body that is not whole JSON, reports nothing");
    }

    private static String usage(long prompt, long completion) {
        return "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + "}";
    }

    private static String key(String name, long tpm) throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", "{\"name\":\"" + name + "\",\"scopes\":[\"llm.invoke\"],"
                + "\"tpm_limit\":" + tpm + "}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode body = Json.MAPPER.readTree(created.body());
        return body.get("key").asText();
    }
}
