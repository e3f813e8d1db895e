package io.camelllmproxy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.events.RequestFinished;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.FinishedEvents;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.SettableClock;
import io.camelllmproxy.support.TestDatabase;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key budgets over real HTTP: spend charged the moment usage is known, 429 budget_exceeded once the budget is
 * reached with Retry-After to the period's end, a fresh budget with the next period (a clock the test moves), the
 * remaining budget on every answer, and spend read back from the usage ledger at start.
 */
class BudgetTest {

    /** 10:00 UTC on the 15th: 14 h to the day's end, and the month ends on 1 December. */
    static final Instant NOW = Instant.parse("2026-11-15T10:00:00Z");
    /** What one request costs: 1000 input tokens at 2 USD and 250 output tokens at 8 USD per million. */
    static final double REQUEST_COST = (1000 * 2.0 + 250 * 8.0) / 1_000_000;
    static final String COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":250,\"total_tokens\":1250}}";
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    static final String BOOTSTRAP_MODEL = "{model_id: m, input_cost_per_mtok: 2, output_cost_per_mtok: 8}";

    static FakeUpstream upstream;
    static SettableClock clock;
    static GatewayHarness gateway;
    static FinishedEvents events;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.replyJson(200, COMPLETION);
        clock = new SettableClock(NOW);
        gateway = GatewayHarness.start(bootstrap(), Map.<String, String>of(), Map.<String, Object>of("llm-clock", clock));
        events = FinishedEvents.tap(gateway.camelContext(), "test-budget-events");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static String bootstrap() {
        return "providers:\n" + provider("p", "openai", upstream.baseUrl(), null, null, BOOTSTRAP_MODEL);
    }

    static JsonNode createKey(GatewayHarness on, String fields) throws Exception {
        HttpResponse<String> created = on.send("POST", "/llm/keys", "{\"name\":\"budgeted\",\"scopes\":[\"llm.invoke\",\"llm.read\"]"
                + fields + "}", GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body());
    }

    static String remaining(HttpResponse<String> answer) {
        return answer.headers().firstValue("x-llm-budget-remaining").orElse(null);
    }

    static String usd(double amount) {
        return new java.math.BigDecimal(amount).setScale(6, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void aDailyBudgetStopsTheKeyAtTheRequestThatReachesItAndStartsAfreshTheNextDay() throws Exception {
        clock.set(NOW);
        // room for two requests and a half: the third starts below the budget and reaches it
        JsonNode created = createKey(gateway, ",\"max_budget_usd\":0.01,\"budget_period\":\"day\"");
        assertEquals("0.01", created.get("max_budget_usd").asText());
        assertEquals("day", created.get("budget_period").asText());
        String key = created.get("key").asText();
        events.clear();
        upstream.clearReceived();

        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> answer = gateway.send("POST", "/v1/chat/completions", CHAT, key);
            assertEquals(200, answer.statusCode(), "request " + i + ": " + answer.body());
            assertEquals(usd(Math.max(0, 0.01 - i * REQUEST_COST)), remaining(answer),
                    "request " + i + " sees its own cost already taken");
            events.next();
        }
        HttpResponse<String> refused = gateway.send("POST", "/v1/chat/completions", CHAT, key);
        assertEquals(429, refused.statusCode(), refused.body());
        JsonNode error = Json.MAPPER.readTree(refused.body()).get("error");
        assertEquals("budget_exceeded", error.get("code").asText());
        assertEquals("insufficient_quota", error.get("type").asText());
        assertEquals(String.valueOf(Duration.ofHours(14).toSeconds()), refused.headers().firstValue("retry-after").orElse(null),
                "Retry-After runs to midnight UTC");
        assertEquals("0.000000", remaining(refused));
        Map<String, Object> refusal = events.next();
        assertEquals(429, refusal.get(RequestFinished.STATUS), "the refusal is told to the observers (ledger, metrics)");
        assertEquals("budget_exceeded", refusal.get(RequestFinished.ERROR_CODE));
        assertEquals("budgeted", refusal.get(RequestFinished.KEY_NAME));
        for (int i = 0; i < 3; i++) {
            upstream.take();
        }
        assertTrue(upstream.receivedNothing(), "the refused request never reached the provider");

        clock.set(NOW.plus(Duration.ofHours(13)).plus(Duration.ofMinutes(59)));
        assertEquals(429, gateway.send("POST", "/v1/chat/completions", CHAT, key).statusCode(), "still the same day");
        clock.set(NOW.plus(Duration.ofHours(14)));
        HttpResponse<String> nextDay = gateway.send("POST", "/v1/chat/completions", CHAT, key);
        assertEquals(200, nextDay.statusCode(), nextDay.body());
        assertEquals(usd(0.01 - REQUEST_COST), remaining(nextDay));
        upstream.take();
    }

    @Test
    void aMonthlyBudgetRunsToTheFirstOfTheNextMonthAndInJvmCallsAreHeldToItToo() throws Exception {
        clock.set(NOW);
        String key = createKey(gateway, ",\"max_budget_usd\":" + REQUEST_COST + ",\"budget_period\":\"month\"").get("key").asText();
        upstream.clearReceived();
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", CHAT, key).statusCode());
        upstream.take();
        HttpResponse<String> refused = gateway.send("POST", "/v1/chat/completions", CHAT, key);
        assertEquals(429, refused.statusCode());
        long toDecember = Duration.between(NOW, Instant.parse("2026-12-01T00:00:00Z")).toSeconds();
        assertEquals(String.valueOf(toDecember), refused.headers().firstValue("retry-after").orElse(null));

        Exchange call = new DefaultExchange(gateway.camelContext());
        call.getIn().setBody(CHAT);
        call.getIn().setHeader("LlmApiKey", key);
        Exchange done = gateway.camelContext().createProducerTemplate().send("direct:llm-chat-completions", call);
        GatewayException exception = assertInstanceOf(GatewayException.class, done.getException());
        assertEquals(429, exception.error().status());
        assertEquals("budget_exceeded", exception.error().code());
        assertEquals(String.valueOf(toDecember), exception.error().headers().get("Retry-After"));
        assertTrue(upstream.receivedNothing());

        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", CHAT, key).statusCode(), "a new month, a new budget");
        upstream.take();
    }

    @Test
    void keysWithoutABudgetGetNoBudgetHeaderAndBadBudgetsAreRefused() throws Exception {
        String plain = createKey(gateway, "").get("key").asText();
        HttpResponse<String> answer = gateway.send("POST", "/v1/chat/completions", CHAT, plain);
        assertEquals(200, answer.statusCode());
        assertNull(remaining(answer));
        upstream.take();

        for (String[] bad : new String[][] {
                {",\"max_budget_usd\":5", "budget_period"},
                {",\"budget_period\":\"day\"", "max_budget_usd"},
                {",\"max_budget_usd\":-1,\"budget_period\":\"day\"", "max_budget_usd"},
                {",\"max_budget_usd\":\"5\",\"budget_period\":\"day\"", "max_budget_usd"},
                {",\"max_budget_usd\":5,\"budget_period\":\"week\"", "budget_period"}}) {
            HttpResponse<String> refused = gateway.send("POST", "/llm/keys", "{\"name\":\"bad-budget\"" + bad[0] + "}",
                    GatewayHarness.ADMIN_TOKEN);
            assertEquals(422, refused.statusCode(), bad[0] + ": " + refused.body());
            assertEquals(bad[1], Json.MAPPER.readTree(refused.body()).get("error").get("param").asText(), bad[0]);
        }
        JsonNode keys = Json.MAPPER.readTree(gateway.send("GET", "/llm/keys", null, GatewayHarness.ADMIN_TOKEN).body());
        for (JsonNode key : keys.get("keys")) {
            assertTrue(!key.get("name").asText().equals("bad-budget"), "no refused key was written");
        }
    }

    @Test
    void spendIsReadBackFromTheLedgerAtStart() throws Exception {
        TestDatabase database = TestDatabase.create();
        SettableClock restartClock = new SettableClock(NOW);
        String keyId;
        String key;
        GatewayHarness first = GatewayHarness.start(database, bootstrap(), Map.<String, String>of(), Map.<String, Object>of("llm-clock", restartClock));
        try {
            JsonNode created = createKey(first, ",\"max_budget_usd\":0.01,\"budget_period\":\"day\"");
            keyId = created.get("id").asText();
            key = created.get("key").asText();
        } finally {
            first.close();
        }
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO llm_usage"
                + " (created_at, request_id, operation, key_id, key_name, streamed, status, cost_usd, priced, latency_ms)"
                + " VALUES (?, ?, 'chat', ?, 'budgeted', FALSE, 200, ?, TRUE, 5)")) {
            Object[][] rows = {
                    {NOW.minus(Duration.ofHours(2)), keyId, "0.006"},
                    {NOW.minus(Duration.ofMinutes(5)), keyId, "0.003"},
                    // yesterday's spend and another key's are not this key's today
                    {NOW.minus(Duration.ofHours(11)), keyId, "5"},
                    {NOW.minus(Duration.ofMinutes(1)), "another-key", "7"}};
            int n = 0;
            for (Object[] row : rows) {
                ps.setObject(1, OffsetDateTime.ofInstant((Instant) row[0], ZoneOffset.UTC));
                ps.setString(2, "r" + n++);
                ps.setString(3, (String) row[1]);
                ps.setBigDecimal(4, new java.math.BigDecimal((String) row[2]));
                ps.executeUpdate();
            }
        }
        upstream.clearReceived();
        GatewayHarness restarted = GatewayHarness.start(database, bootstrap(), Map.<String, String>of(), Map.<String, Object>of("llm-clock", restartClock));
        try {
            // the key ring loads just after the models the harness waits for
            org.awaitility.Awaitility.await("the key ring knows the key").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20)).until(() -> restarted.send("GET", "/v1/models", null, key).statusCode() != 401);
            HttpResponse<String> models = restarted.send("GET", "/v1/models", null, key);
            assertEquals(200, models.statusCode());
            assertEquals("0.001000", remaining(models), "0.01 less the 0.009 the ledger holds for today");
            assertEquals(200, restarted.send("POST", "/v1/chat/completions", CHAT, key).statusCode());
            upstream.take();
            assertEquals(429, restarted.send("POST", "/v1/chat/completions", CHAT, key).statusCode());
        } finally {
            restarted.close();
        }
    }
}
