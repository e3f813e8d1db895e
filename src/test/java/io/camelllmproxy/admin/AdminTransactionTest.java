package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An admin write is one transaction: when its last statement fails, nothing of it stays. */
class AdminTransactionTest {

    @Test
    void aProviderDeleteThatFailsHalfwayDeletesNothing() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", "http://127.0.0.1:9/v1",
                null, null, "{model_id: m1, model_name: M1}", "{model_id: m2, model_name: M2}"), Map.of())) {
            String id = Json.MAPPER.readTree(gateway.get("/llm/providers").body()).get("providers").get(0).get("id").asText();
            assertEquals(2, models(gateway, id));
            // a row that refers to the provider without cascading: deleting the models works, deleting the provider then fails
            try (Connection c = gateway.database().connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE test_delete_blocker (provider_id VARCHAR(36) NOT NULL REFERENCES llm_providers (id))");
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO test_delete_blocker VALUES (?)")) {
                    insert.setString(1, id);
                    insert.executeUpdate();
                }
            }

            HttpResponse<String> delete = gateway.send("DELETE", "/llm/providers/" + id, null, GatewayHarness.ADMIN_TOKEN);
            assertTrue(delete.statusCode() >= 400, "the delete failed: " + delete.statusCode());
            assertTrue(Json.MAPPER.readTree(delete.body()).has("error"), delete.body());

            assertEquals(200, gateway.get("/llm/providers/" + id).statusCode(), "the provider is still there");
            assertEquals(2, models(gateway, id), "and so are its models");

            try (Connection c = gateway.database().connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE test_delete_blocker");
            }
            assertEquals(204, gateway.send("DELETE", "/llm/providers/" + id, null, GatewayHarness.ADMIN_TOKEN).statusCode());
            assertEquals(0, models(gateway, id));
        }
    }

    private static int models(GatewayHarness gateway, String providerId) throws Exception {
        JsonNode list = Json.MAPPER.readTree(gateway.get("/llm/models?provider_id=" + providerId).body());
        return list.get("models").size();
    }
}
