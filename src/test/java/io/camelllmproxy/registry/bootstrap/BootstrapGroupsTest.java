package io.camelllmproxy.registry.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bootstrap file's {@code model_groups} against a real database: upserts, and every problem with its line. */
class BootstrapGroupsTest {

    static final String PROVIDERS = """
            providers:
              - name: openai-main
                provider_type: openai
                models:
                  - model_id: gpt-4o
                    model_alias: four
              - name: azure-backup
                provider_type: openai_compatible
                api_base: http://127.0.0.1:9/v1
                models:
                  - model_id: gpt4o-deploy
            """;

    static final String GROUPS = PROVIDERS + """
            model_groups:
              - name: smart
                strategy: weighted
                members:
                  - {provider: openai-main, model_id: gpt-4o, weight: 3}
                  - {provider: azure-backup, model_id: gpt4o-deploy, weight: 1}
                retry: {attempts: 3, max_wait_ms: 10000}
                cooldown: {failures: 3, seconds: 30}
                first_token_timeout_ms: 20000
              - name: cheap
                members:
                  - {provider: azure-backup, model_id: gpt4o-deploy}
            """;

    BootstrapDatabase db;
    HikariDataSource dataSource;

    @BeforeEach
    void setUp() throws Exception {
        db = new BootstrapDatabase();
        dataSource = db.dataSource;
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    Path write(String yaml) throws Exception {
        return db.write(yaml);
    }

    void apply(Path file) {
        db.apply(file, Map.of());
    }

    String failure(String yaml) throws Exception {
        Path file = write(yaml);
        return assertThrows(BootstrapException.class, () -> apply(file)).getMessage();
    }

    List<String> rows(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(String.join("|", row));
            }
        }
        return rows;
    }

    List<String> members(String group) throws Exception {
        return rows("SELECT gm.position, p.name, m.model_id, gm.weight FROM llm_model_groups g"
                + " JOIN llm_model_group_members gm ON gm.group_id = g.id JOIN llm_models m ON m.id = gm.model_row_id"
                + " JOIN llm_providers p ON p.id = m.provider_id WHERE g.name = '" + group + "' ORDER BY gm.position");
    }

    @Test
    void groupsAreWrittenAsTheIssueShowsThemAndUpdatedInPlace() throws Exception {
        apply(write(GROUPS));
        assertEquals(List.of("smart|weighted|3|10000|3|30|20000", "cheap|fallback|null|null|null|null|null"),
                rows("SELECT name, strategy, retry_attempts, retry_max_wait_ms, cooldown_failures, cooldown_seconds,"
                        + " first_token_timeout_ms FROM llm_model_groups ORDER BY name DESC"));
        assertEquals(List.of("0|openai-main|gpt-4o|3", "1|azure-backup|gpt4o-deploy|1"), members("smart"));
        assertEquals(List.of("0|azure-backup|gpt4o-deploy|1"), members("cheap"), "weight defaults to 1");
        List<String> ids = rows("SELECT id FROM llm_model_groups ORDER BY name");

        // set elsewhere (the admin API, say): a re-run leaves what the file does not mention
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE llm_model_groups SET cooldown_seconds = 99 WHERE name = 'cheap'");
        }
        String reordered = GROUPS.replace("""
                      - {provider: openai-main, model_id: gpt-4o, weight: 3}
                      - {provider: azure-backup, model_id: gpt4o-deploy, weight: 1}
                """, """
                      - {provider: azure-backup, model_id: gpt4o-deploy, weight: 2}
                      - {provider: openai-main, model_id: gpt-4o, weight: 5}
                """).replace("strategy: weighted", "strategy: least-busy");
        apply(write(reordered));
        apply(write(reordered));
        assertEquals(ids, rows("SELECT id FROM llm_model_groups ORDER BY name"), "the same groups, updated");
        assertEquals(List.of("0|azure-backup|gpt4o-deploy|2", "1|openai-main|gpt-4o|5"), members("smart"),
                "members are replaced by the file's, in its order");
        assertEquals(List.of("least-busy"), rows("SELECT strategy FROM llm_model_groups WHERE name = 'smart'"));
        assertEquals(List.of("99"), rows("SELECT cooldown_seconds FROM llm_model_groups WHERE name = 'cheap'"));
    }

    @Test
    void aMemberMayNameAModelTheRegistryAlreadyHas() throws Exception {
        apply(write(PROVIDERS));
        apply(write("model_groups:\n  - {name: later, members: [{provider: openai-main, model_id: gpt-4o}]}\n"));
        assertEquals(List.of("0|openai-main|gpt-4o|1"), members("later"));
    }

    @Test
    void badValuesAreNamedWithFileLineAndNothingIsApplied() throws Exception {
        String bad = PROVIDERS + """
                model_groups:
                  - name: broken
                    strategy: round-robin
                    members:
                      - {provider: openai-main, model_id: gpt-4o, weight: 0}
                      - {provider: azure-backup, model_id: gpt4o-deploy, weight: 1.5}
                      - {provider: openai-main, model_id: gpt-4o, colour: red}
                    retry: {attempts: 0, max_wait_ms: -1}
                    cooldown: {failures: 0, seconds: -30, half_open: true}
                    first_token_timeout_ms: -5
                    priority: 1
                  - name: broken
                    members: []
                  - strategy: fallback
                """;
        Path file = write(bad);
        String message = assertThrows(BootstrapException.class, () -> apply(file)).getMessage();
        for (String expected : List.of(
                ":14: model_groups[0].strategy 'round-robin' is not one of fallback, weighted, least-busy",
                ":16: model_groups[0].members[0].weight must be a whole number of at least 1",
                ":17: model_groups[0].members[1].weight must be a whole number of at least 1",
                ":18: model_groups[0].members[2].colour unknown key",
                ":19: model_groups[0].retry.attempts must be a whole number of at least 1",
                ":19: model_groups[0].retry.max_wait_ms must be a whole number, not negative",
                ":20: model_groups[0].cooldown.failures must be a whole number of at least 1",
                ":20: model_groups[0].cooldown.seconds must be a whole number, not negative",
                ":20: model_groups[0].cooldown.half_open unknown key",
                ":21: model_groups[0].first_token_timeout_ms must be a whole number of at least 1",
                ":22: model_groups[0].priority unknown key",
                ":24: model_groups[1].members must be a list of at least one",
                ":25: model_groups[2].name is required",
                ":25: model_groups[2].members is required")) {
            assertTrue(message.contains(file + expected), expected + " in\n" + message);
        }
        assertTrue(rows("SELECT id FROM llm_providers").isEmpty(), "the valid providers were not applied either");

        String twice = failure(GROUPS + "  - {name: smart, members: [{provider: openai-main, model_id: gpt-4o}]}\n");
        assertTrue(twice.contains(":24: model_groups[2].name model group 'smart' appears twice"), twice);
        String sameMember = failure(PROVIDERS + "model_groups:\n  - name: g\n    members:\n"
                + "      - {provider: openai-main, model_id: gpt-4o}\n      - {provider: openai-main, model_id: gpt-4o, weight: 2}\n");
        assertTrue(sameMember.contains(":16: model_groups[0].members[1] names openai-main/gpt-4o twice"), sameMember);
        String retryConfig = failure("providers:\n  - name: p\n    provider_type: openai\n    config: {retry: {attempts: 0}}\n");
        assertTrue(retryConfig.contains(":2: providers[0].config.retry.attempts must be a whole number of at least 1"), retryConfig);
    }

    @Test
    void unknownMembersAndNameClashesAreFoundAgainstTheRegistryAndUndoTheWholeFile() throws Exception {
        String bad = PROVIDERS + """
                model_groups:
                  - name: ghosts
                    members:
                      - {provider: nobody, model_id: gpt-4o}
                      - {provider: openai-main, model_id: gpt-5}
                  - {name: four, members: [{provider: openai-main, model_id: gpt-4o}]}
                  - {name: gpt4o-deploy, members: [{provider: openai-main, model_id: gpt-4o}]}
                  - {name: azure-backup/gpt4o-deploy, members: [{provider: openai-main, model_id: gpt-4o}]}
                """;
        Path file = write(bad);
        String message = assertThrows(BootstrapException.class, () -> apply(file)).getMessage();
        for (String expected : List.of(
                ":15: model_groups[0].members[0].provider 'nobody' is not a provider",
                ":16: model_groups[0].members[1].model_id provider 'openai-main' has no model 'gpt-5'",
                ":17: model_groups[1].name 'four' already names the model openai-main/gpt-4o",
                ":18: model_groups[2].name 'gpt4o-deploy' already names the model azure-backup/gpt4o-deploy",
                ":19: model_groups[3].name 'azure-backup/gpt4o-deploy' already names the model azure-backup/gpt4o-deploy")) {
            assertTrue(message.contains(file + expected), expected + " in\n" + message);
        }
        assertTrue(rows("SELECT id FROM llm_providers").isEmpty(), "rolled back: providers and models too");
        assertTrue(rows("SELECT id FROM llm_model_groups").isEmpty());

        apply(write(GROUPS));
        String modelTakesAGroupName = failure(PROVIDERS + "  - name: third\n    provider_type: openai\n    models:\n"
                + "      - {model_id: smart}\n");
        assertTrue(modelTakesAGroupName.contains(":12: provider 'third' model 'smart' takes the name 'smart' of a stored"
                + " model group"), modelTakesAGroupName);
        assertTrue(rows("SELECT id FROM llm_providers WHERE name = 'third'").isEmpty());
    }

    @Test
    void theGatewayServesTheFilesGroups() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.start(GROUPS, Map.of())) {
            HttpResponse<String> models = gateway.get("/v1/models");
            JsonNode data = Json.MAPPER.readTree(models.body()).get("data");
            List<String> ids = new ArrayList<>();
            data.forEach(m -> ids.add(m.get("id").asText() + "/" + m.get("owned_by").asText()));
            assertTrue(ids.containsAll(List.of("smart/camel-llm-proxy", "cheap/camel-llm-proxy", "gpt-4o/openai-main")), ids.toString());
            HttpResponse<String> group = gateway.get("/llm/groups/smart");
            assertEquals(200, group.statusCode(), group.body());
            assertEquals(3, Json.MAPPER.readTree(group.body()).get("retry").get("attempts").asInt());
        }
    }
}
