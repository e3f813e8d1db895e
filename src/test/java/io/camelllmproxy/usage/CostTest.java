package io.camelllmproxy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.events.RequestFinished;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.FinishedEvents;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a request costs, end to end: prices set in the bootstrap file or through the models admin API, usage
 * reported by a fake provider, and the cost in the request's finished event (what the ledger and metrics take).
 */
class CostTest {

    static FakeUpstream openai;
    static FakeUpstream anthropic;
    static GatewayHarness gateway;
    static FinishedEvents events;

    static final String USAGE = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"%s\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":{"
            + "\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":400},\"completion_tokens_details\":{\"reasoning_tokens\":200}}}";

    @BeforeAll
    static void start() throws Exception {
        openai = new FakeUpstream();
        anthropic = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n"
                + provider("oa", "openai", openai.baseUrl(), null, null,
                "{model_id: priced, input_cost_per_mtok: 2, output_cost_per_mtok: 8, cached_input_cost_per_mtok: 0.5}",
                "{model_id: no-cached-price, input_cost_per_mtok: 3, output_cost_per_mtok: 6}",
                "{model_id: free}", "{model_id: later}")
                + provider("an", "anthropic", anthropic.baseUrl(), "sk-ant", null,
                "{model_id: claude, input_cost_per_mtok: 3, output_cost_per_mtok: 15, cached_input_cost_per_mtok: 0.3}"),
                Map.of());
        events = FinishedEvents.tap(gateway.camelContext(), "test-cost-events");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        openai.close();
        anthropic.close();
    }

    @BeforeEach
    void clear() {
        events.clear();
    }

    static double chatCost(String model) throws Exception {
        HttpResponse<String> answer = gateway.send("POST", "/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, answer.statusCode(), answer.body());
        Map<String, Object> event = events.next();
        assertEquals(model, event.get(RequestFinished.MODEL));
        return ((Number) event.get(RequestFinished.COST_USD)).doubleValue();
    }

    @Test
    void uncachedCachedAndOutputTokensAreEachChargedAtTheirPrice() throws Exception {
        openai.replyJson(200, USAGE.formatted("priced"));
        // 600 uncached input at 2, 400 cached at 0.5, 500 output (the 200 reasoning among them) at 8, per million
        assertEquals((600 * 2.0 + 400 * 0.5 + 500 * 8.0) / 1_000_000, chatCost("priced"), 1e-12);
        openai.take();
    }

    @Test
    void cachedInputWithoutACachedPriceIsChargedAtTheInputPrice() throws Exception {
        openai.replyJson(200, USAGE.formatted("no-cached-price"));
        assertEquals((1000 * 3.0 + 500 * 6.0) / 1_000_000, chatCost("no-cached-price"), 1e-12);
        openai.take();
    }

    @Test
    void aModelWithoutAPriceCostsNothing() throws Exception {
        openai.replyJson(200, USAGE.formatted("free"));
        assertEquals(0.0, chatCost("free"));
        openai.take();
    }

    @Test
    void anthropicCacheWritesAreChargedAtTheInputPriceAndCacheReadsAtTheCachedPrice() throws Exception {
        anthropic.replyJson(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"usage\":{"
                + "\"input_tokens\":100,\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":600,\"output_tokens\":50}}");
        // 100 plain input + 300 cache writes at 3, 600 cache reads at 0.3, 50 output at 15
        assertEquals(((100 + 300) * 3.0 + 600 * 0.3 + 50 * 15.0) / 1_000_000, chatCost("claude"), 1e-12);
        anthropic.take();
    }

    @Test
    void aStreamIsChargedFromItsUsageChunk() throws Exception {
        openai.replySse(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":2000,\"completion_tokens\":100,\"total_tokens\":2100}}", "[DONE]"), 0);
        GatewayHarness.StreamedResponse stream = gateway.postStreaming("{\"model\":\"priced\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, stream.status());
        Map<String, Object> event = events.next();
        assertEquals(true, event.get(RequestFinished.STREAM));
        assertEquals((2000 * 2.0 + 100 * 8.0) / 1_000_000, ((Number) event.get(RequestFinished.COST_USD)).doubleValue(), 1e-12);
        openai.take();
    }

    @Test
    void pricesSetThroughTheAdminApiAreShownAndChargedFromTheNextRequest() throws Exception {
        JsonNode models = Json.MAPPER.readTree(gateway.send("GET", "/llm/models?page_size=500", null, GatewayHarness.ADMIN_TOKEN).body());
        JsonNode free = null;
        JsonNode priced = null;
        for (JsonNode model : models.get("models")) {
            if (model.get("model_id").asText().equals("later")) {
                free = model;
            } else if (model.get("model_id").asText().equals("priced")) {
                priced = model;
            }
        }
        assertEquals("2", priced.get("input_cost_per_mtok").asText());
        assertEquals("0.5", priced.get("cached_input_cost_per_mtok").asText());
        assertEquals(true, free.get("input_cost_per_mtok").isNull());

        HttpResponse<String> negative = gateway.send("PATCH", "/llm/models/" + free.get("id").asText(),
                "{\"output_cost_per_mtok\":-1}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(422, negative.statusCode(), negative.body());
        JsonNode error = Json.MAPPER.readTree(negative.body()).get("error");
        assertEquals("output_cost_per_mtok", error.get("param").asText());
        HttpResponse<String> text = gateway.send("PATCH", "/llm/models/" + free.get("id").asText(),
                "{\"input_cost_per_mtok\":\"1\"}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(422, text.statusCode(), text.body());

        HttpResponse<String> patched = gateway.send("PATCH", "/llm/models/" + free.get("id").asText(),
                "{\"input_cost_per_mtok\":1.25,\"output_cost_per_mtok\":10}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, patched.statusCode(), patched.body());
        JsonNode shown = Json.MAPPER.readTree(patched.body());
        assertEquals("1.25", shown.get("input_cost_per_mtok").asText());
        assertEquals("10", shown.get("output_cost_per_mtok").asText());
        assertEquals(true, shown.get("cached_input_cost_per_mtok").isNull());

        openai.replyJson(200, USAGE.formatted("later"));
        assertEquals((1000 * 1.25 + 500 * 10.0) / 1_000_000, chatCost("later"), 1e-12);
        openai.take();

        HttpResponse<String> created = gateway.send("POST", "/llm/models", "{\"provider_id\":\""
                + free.get("provider_id").asText() + "\",\"model_id\":\"made\",\"model_name\":\"Made\","
                + "\"input_cost_per_mtok\":0,\"output_cost_per_mtok\":0.000001}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("0", Json.MAPPER.readTree(created.body()).get("input_cost_per_mtok").asText());
        assertEquals("0.000001", Json.MAPPER.readTree(created.body()).get("output_cost_per_mtok").asText());
        HttpResponse<String> refused = gateway.send("POST", "/llm/models", "{\"provider_id\":\""
                + free.get("provider_id").asText() + "\",\"model_id\":\"bad\",\"model_name\":\"Bad\","
                + "\"cached_input_cost_per_mtok\":-0.1}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(422, refused.statusCode(), refused.body());
        assertEquals(404, gateway.send("GET", "/v1/models/bad", null, GatewayHarness.ADMIN_TOKEN).statusCode(),
                "nothing of the refused model was written");
    }
}
