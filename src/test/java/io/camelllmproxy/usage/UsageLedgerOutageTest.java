package io.camelllmproxy.usage;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.support.PrometheusText;
import io.camelllmproxy.support.ProxiedDatabase;
import io.camelllmproxy.support.TestDatabase;
import org.apache.logging.log4j.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger with its database gone for a while: rows wait and are all written once it is back, none twice;
 * past the queue's bound rows are dropped, each counted, one log line per burst; and a gateway that stops writes
 * what it still holds.
 */
class UsageLedgerOutageTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    private static final String REPLY = "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1,\"total_tokens\":3}}";

    @Test
    void anOutageLosesNoRowAndPastTheBoundDropsAreCounted() throws Exception {
        try (ProxiedDatabase database = ProxiedDatabase.start();
             FakeUpstream upstream = new FakeUpstream();
             LogCapture log = LogCapture.of(UsageLedger.class, Level.INFO);
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     null, null, "{model_id: m, model_name: M}"), database.settings(Map.of(
                     "llm.usage.flush-ms", "100",
                     "llm.usage.queue-size", "5",
                     "llm.usage.batch-size", "2",
                     // an outage fails each write within half a second, not the production timeout
                     "llm.db.connection-timeout-ms", "500")))) {
            upstream.replyJson(200, REPLY);
            UsageLedger ledger = gateway.camelContext().getRegistry().lookupByNameAndType("llm-usage-ledger", UsageLedger.class);
            String url = database.settings(Map.of()).get("llm.db.url");
            String user = database.settings(Map.of()).get("llm.db.user");
            String password = database.settings(Map.of()).get("llm.db.password");

            // the outage: four requests, fewer than the bound, all answered while the ledger cannot write
            database.proxy().drop();
            for (int i = 0; i < 4; i++) {
                assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT).statusCode());
            }
            Awaitility.await("the ledger tried and failed").atMost(Duration.ofSeconds(30))
                    .until(() -> log.lines().stream().anyMatch(l -> l.message().startsWith("Usage ledger cannot write")));
            // a request's row is queued as its exchange completes, just after the client has its answer
            Awaitility.await("the four rows wait").atMost(Duration.ofSeconds(30)).until(() -> ledger.waiting() == 4);
            database.proxy().restore();
            // on H2 this needs the pool to drop the connections the outage broke (BrokenH2Connections)
            Awaitility.await("every row written once the database is back").atMost(Duration.ofSeconds(30))
                    .until(() -> rows(url, user, password) == 4 && ledger.waiting() == 0);
            assertEquals(4, distinctRequests(url, user, password), "no row written twice");
            assertEquals(0, ledger.dropped());

            // past the bound: ten requests while the database is gone; what the queue cannot hold is dropped and counted
            database.proxy().drop();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT).statusCode());
            }
            Awaitility.await("every row is either waiting or counted as dropped").atMost(Duration.ofSeconds(30))
                    .until(() -> ledger.dropped() + ledger.waiting() == 10);
            long dropped = ledger.dropped();
            assertTrue(dropped >= 3 && dropped <= 5, "5 queued and up to 2 in the batch being written: dropped " + dropped);
            assertEquals(1, log.lines().stream().filter(l -> l.message().startsWith("Usage ledger full")).count(),
                    "one line per burst of drops, not one per row: " + log.lines());
            HttpResponse<String> scraped = gateway.send("GET", "/observe/metrics", null, GatewayHarness.ADMIN_TOKEN);
            assertEquals(200, scraped.statusCode(), scraped.body());
            assertEquals(dropped, PrometheusText.sum(scraped.body(), "llm_gateway_usage_rows_dropped_total", Map.of()),
                    "every dropped row is counted in the metric too");
            database.proxy().restore();
            Awaitility.await("the rows that waited are written").atMost(Duration.ofSeconds(30))
                    .until(() -> rows(url, user, password) == 4 + 10 - dropped);
            Awaitility.await("the burst's total is logged").atMost(Duration.ofSeconds(30)).until(() -> log.lines().stream()
                    .anyMatch(l -> l.level() == Level.WARN && l.message().equals(
                            "Usage ledger dropped " + dropped + " rows while full (" + dropped + " since start)")));
        }
    }

    @Test
    void aStoppingGatewayWritesTheRowsItHolds() throws Exception {
        TestDatabase database = TestDatabase.create();
        try (FakeUpstream upstream = new FakeUpstream()) {
            upstream.replyJson(200, REPLY);
            GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                    null, null, "{model_id: m, model_name: M}"), Map.of(
                    // the timer never writes during the test: only the stop can
                    "llm.usage.flush-ms", "3600000"), database);
            try {
                for (int i = 0; i < 2; i++) {
                    assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT).statusCode());
                }
                // a model name longer than its column, with a NUL (PostgreSQL refuses it in text): the row must
                // still fit, or its whole batch would fail for ever
                String hostile = "x\\u0000" + "y".repeat(300);
                assertEquals(404, gateway.postJson("/v1/chat/completions", CHAT.replace("\"m\"", "\"" + hostile + "\"")).statusCode());
                UsageLedger ledger = gateway.camelContext().getRegistry().lookupByNameAndType("llm-usage-ledger", UsageLedger.class);
                Awaitility.await("the three rows are queued").atMost(Duration.ofSeconds(30)).until(() -> ledger.waiting() == 3);
                assertEquals(0, rows(database.url(), database.user(), database.password()));
            } finally {
                gateway.close();
            }
            assertEquals(3, rows(database.url(), database.user(), database.password()), "written at stop");
            String stored = text(database, "SELECT requested_model FROM llm_usage WHERE status = 404");
            assertEquals(255, stored.length());
            assertEquals("x?yyy", stored.substring(0, 5));
        }
    }

    private static String text(TestDatabase database, String sql) throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long rows(String url, String user, String password) throws Exception {
        return single(url, user, password, "SELECT COUNT(*) FROM llm_usage");
    }

    private static long distinctRequests(String url, String user, String password) throws Exception {
        return single(url, user, password, "SELECT COUNT(DISTINCT request_id) FROM llm_usage");
    }

    private static long single(String url, String user, String password, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
