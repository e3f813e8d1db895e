package io.camelllmproxy.usage;

import io.camelllmproxy.events.RequestFinished;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.FinishedEvents;
import io.camelllmproxy.support.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code llm.usage.ledger.enabled=false}: requests are served and observed, and no row is queued or written. */
class UsageLedgerSwitchTest {

    @Test
    void aGatewayWithoutLedgerQueuesNoRow() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), null,
                     null, "{model_id: m, model_name: M}"), Map.of("llm.usage.ledger.enabled", "false", "llm.usage.flush-ms", "100"))) {
            FinishedEvents events = FinishedEvents.tap(gateway.camelContext(), "ledger-switch-events");
            upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}");
            assertEquals(200, gateway.postJson("/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").statusCode());
            // the observers are told in order, the ledger before the event: once the event is out, a ledger would hold the row
            assertEquals(200, events.next().get(RequestFinished.STATUS));
            UsageLedger ledger = gateway.camelContext().getRegistry().lookupByNameAndType("llm-usage-ledger", UsageLedger.class);
            assertEquals(0, ledger.waiting());
            try (Connection c = gateway.database().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM llm_usage")) {
                rs.next();
                assertEquals(0, rs.getLong(1));
            }
        }
    }
}
