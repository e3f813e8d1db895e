package io.camelllmproxy.registry.bootstrap;

import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.registry.RegistryDatabase;
import io.camelllmproxy.support.ContextForgeSchema;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The declarative registry file against a real database: upserts, expansion, and all-or-nothing failures. */
class RegistryBootstrapTest {

    static final String GOOD = """
            providers:
              - name: local-openai
                provider_type: openai
                api_base: http://127.0.0.1:9100/v1
                api_key: ${env:TEST_OPENAI_KEY}
                api_version: null
                config: {deployment_name: d1, nested: {list: [1, two, true]}}
                default_max_tokens: null
                default_temperature: 0.0
                enabled: true
                models:
                  - model_id: gpt-4o-mini
                    model_name: GPT-4o mini
                    model_alias: fast
                    enabled: true
                  - model_id: ${MODEL_FROM_ENV:-fallback-model}
              - name: Second Provider
                provider_type: groq
                api_base: https://api.groq.com/openai/v1
                models: []
            """;

    final Map<String, String> env = Map.of("TEST_OPENAI_KEY", "sk-from-env");
    BootstrapDatabase db;
    HikariDataSource dataSource;
    CredentialCipher cipher;

    @BeforeEach
    void setUp() throws Exception {
        db = new BootstrapDatabase();
        dataSource = db.dataSource;
        cipher = db.cipher;
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    Path write(String yaml) throws Exception {
        return db.write(yaml);
    }

    void apply(Path file) {
        db.apply(file, env);
    }

    List<List<String>> rows(String sql) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void upsertsProvidersAndModelsWithExpandedAndEncryptedValues() throws Exception {
        apply(write(GOOD));

        List<List<String>> providers = rows("SELECT name, slug, provider_type, api_key, default_temperature, config, id"
                + " FROM llm_providers ORDER BY name");
        assertEquals(2, providers.size());
        List<String> local = providers.get(1);
        assertEquals("local-openai", local.get(0));
        assertEquals("local-openai", local.get(1));
        assertEquals("sk-from-env", cipher.decryptApiKey(local.get(3)));
        assertTrue(!local.get(3).contains("sk-from-env"), "the key is stored encrypted");
        assertEquals(0.0, Double.parseDouble(local.get(4)));
        assertTrue(local.get(5).contains("\"deployment_name\":\"d1\""), local.get(5));
        assertEquals(32, local.get(6).length());
        assertEquals("second-provider", providers.get(0).get(1));
        assertNull(providers.get(0).get(3));

        assertEquals(List.of(List.of("fallback-model", "fallback-model", "true"),
                        List.of("gpt-4o-mini", "GPT-4o mini", "true")),
                rows("SELECT model_id, model_name, enabled FROM llm_models ORDER BY model_id").stream()
                        .map(r -> List.of(r.get(0), r.get(1), r.get(2).equals("t") || r.get(2).equalsIgnoreCase("true") ? "true" : "false"))
                        .toList());
    }

    @Test
    void applyingAgainUpdatesInPlaceAndKeepsIdsAndCiphertext() throws Exception {
        apply(write(GOOD));
        List<List<String>> before = rows("SELECT id, api_key FROM llm_providers WHERE name = 'local-openai'");
        List<List<String>> modelBefore = rows("SELECT id FROM llm_models WHERE model_id = 'gpt-4o-mini'");

        String changed = GOOD.replace("model_name: GPT-4o mini", "model_name: Renamed")
                .replace("    enabled: true\n    models:", "    enabled: false\n    models:");
        assertTrue(!changed.equals(GOOD.replace("model_name: GPT-4o mini", "model_name: Renamed")));
        apply(write(changed));

        assertEquals(before, rows("SELECT id, api_key FROM llm_providers WHERE name = 'local-openai'"));
        assertEquals(modelBefore, rows("SELECT id FROM llm_models WHERE model_id = 'gpt-4o-mini'"));
        assertEquals("Renamed", rows("SELECT model_name FROM llm_models WHERE model_id = 'gpt-4o-mini'").get(0).get(0));
        assertEquals(2, rows("SELECT id FROM llm_providers").size());
        String enabled = rows("SELECT enabled FROM llm_providers WHERE name = 'local-openai'").get(0).get(0);
        assertTrue(enabled.equals("f") || enabled.equalsIgnoreCase("false"), enabled);
    }

    @Test
    void aMalformedFileNamesFileLineAndFieldAndChangesNothing() throws Exception {
        apply(write(GOOD));
        List<List<String>> before = rows("SELECT * FROM llm_providers ORDER BY id");
        String bad = """
                providers:
                  - name: local-openai
                    provider_type: openai
                    api_base: http://127.0.0.1:9100/v1
                    default_temperature: 0.3
                    models:
                      - model_id: new-model
                  - name: broken
                    provider_type: not-a-type
                    api_base: ftp://example.com
                    default_temperature: 3
                    default_max_tokens: 0
                    colour: blue
                    models:
                      - model_name: no id
                """;
        Path file = write(bad);
        BootstrapException e = assertThrows(BootstrapException.class, () -> apply(file));
        String message = e.getMessage();
        assertTrue(message.contains("nothing was applied"), message);
        assertTrue(message.contains(file + ":9: providers[1].provider_type 'not-a-type' is not one of"), message);
        assertTrue(message.contains(file + ":10: providers[1].api_base must be an http or https URL"), message);
        assertTrue(message.contains(file + ":11: providers[1].default_temperature must be between 0 and 2"), message);
        assertTrue(message.contains(file + ":12: providers[1].default_max_tokens must be a whole number of at least 1"), message);
        assertTrue(message.contains(file + ":13: providers[1].colour unknown key"), message);
        assertTrue(message.contains(file + ":15: providers[1].models[0].model_id is required"), message);
        assertEquals(before, rows("SELECT * FROM llm_providers ORDER BY id"), "the valid first entry was not applied either");
        assertTrue(rows("SELECT id FROM llm_models WHERE model_id = 'new-model'").isEmpty());
    }

    @Test
    void anUnsetVariableKeepsTheStoredKeyAndWarnsWithFileLineAndNameOnly() throws Exception {
        apply(write(GOOD));
        String stored = rows("SELECT api_key FROM llm_providers WHERE name = 'local-openai'").get(0).get(0);
        String unset = GOOD.replace("${env:TEST_OPENAI_KEY}", "${env:SURELY_UNSET_OPENAI_KEY}")
                + "  - name: newcomer\n    provider_type: openai\n    api_key: ${SURELY_UNSET_OPENAI_KEY}\n";
        Path file = write(unset);

        BootstrapParser parser = new BootstrapParser(file.toString(), env::get, new io.camelllmproxy.security.UpstreamAddressPolicy(true));
        parser.parse(unset);
        assertEquals(List.of(
                file + ":5: providers[0].api_key uses ${SURELY_UNSET_OPENAI_KEY}, which is not set; the stored key is kept (a new provider gets none)",
                file + ":23: providers[2].api_key uses ${SURELY_UNSET_OPENAI_KEY}, which is not set; the stored key is kept (a new provider gets none)"),
                parser.warnings());

        apply(file);
        assertEquals(stored, rows("SELECT api_key FROM llm_providers WHERE name = 'local-openai'").get(0).get(0));
        assertNull(rows("SELECT api_key FROM llm_providers WHERE name = 'newcomer'").get(0).get(0));
    }

    @Test
    void anEmptyKeyMeansNoKeyAsInTheAdminApi() throws Exception {
        for (String empty : new String[] {"\"\"", "${SURELY_UNSET_OPENAI_KEY:-}", "null"}) {
            apply(write(GOOD));
            assertTrue(rows("SELECT api_key FROM llm_providers WHERE name = 'local-openai'").get(0).get(0) != null);
            apply(write(GOOD.replace("${env:TEST_OPENAI_KEY}", empty)));
            assertNull(rows("SELECT api_key FROM llm_providers WHERE name = 'local-openai'").get(0).get(0), empty);
        }
    }

    @Test
    void otherUnsetVariablesAreNamedWithTheirLine() throws Exception {
        String yaml = "providers:\n  - name: p\n    provider_type: openai\n    description: x${SURELY_UNSET_DESCRIPTION}\n";
        BootstrapParser parser = new BootstrapParser("r.yaml", env::get, new io.camelllmproxy.security.UpstreamAddressPolicy(true));
        parser.parse(yaml);
        assertEquals(List.of("r.yaml:4: providers[0].description uses ${SURELY_UNSET_DESCRIPTION}, which is not set; it expands to nothing"),
                parser.warnings());
    }

    @Test
    void providerNamesFollowTheAdminApiRule() throws Exception {
        Path bad = write("providers:\n  - {name: \"<b>x</b>\", provider_type: openai}\n");
        assertTrue(assertThrows(BootstrapException.class, () -> apply(bad)).getMessage()
                .contains(bad + ":2: providers[0].name may hold only letters"));
    }

    @Test
    void providerNamesFollowContextForgesRuleWithDotsAndItsLengthLimit() throws Exception {
        String longest = "n.".repeat(127) + "x";
        apply(write("providers:\n  - {name: gpt.4 prod, provider_type: openai}\n  - {name: \"" + longest + "\", provider_type: openai}\n"));
        assertEquals(List.of(List.of("gpt-4-prod")), rows("SELECT slug FROM llm_providers WHERE name = 'gpt.4 prod'"));
        assertEquals(1, rows("SELECT id FROM llm_providers WHERE name = '" + longest + "'").size());
        Path tooLong = write("providers:\n  - {name: \"" + longest + "y\", provider_type: openai}\n");
        assertTrue(assertThrows(BootstrapException.class, () -> apply(tooLong)).getMessage()
                .contains(tooLong + ":2: providers[0].name must be at most 255 characters"));
    }

    @Test
    void azureNamesThatCannotBePartOfTheUrlStopTheStart() throws Exception {
        Path bad = write("""
                providers:
                  - name: az
                    provider_type: azure_openai
                    config: {resource_name: evil.example.com/x, deployment_name: ..}
                    models:
                      - model_id: .
                """);
        String message = assertThrows(BootstrapException.class, () -> apply(bad)).getMessage();
        assertTrue(message.contains(bad + ":2: providers[0].config.resource_name must be one DNS label"), message);
        assertTrue(message.contains(bad + ":2: providers[0].config.deployment_name must not be '.' or '..'"), message);
        assertTrue(message.contains(bad + ":2: providers[0].models[0].model_id must not be '.' or '..'"), message);
        assertTrue(rows("SELECT id FROM llm_providers").isEmpty());
        apply(write("providers:\n  - {name: az, provider_type: azure_openai, config: {resource_name: my-res}}\n"));
        assertEquals(1, rows("SELECT id FROM llm_providers").size());
    }

    @Test
    void aNullTemperatureOnContextForgesSchemaNamesTheLineAndChangesNothing() throws Exception {
        TestDatabase contextForge = TestDatabase.create();
        ContextForgeSchema.create(contextForge);
        try (HikariDataSource cf = RegistryDatabase.open(contextForge.url(), contextForge.user(), contextForge.password(), 2)) {
            RegistryDatabase.migrate(cf, contextForge.url());
            Path file = write("providers:\n  - name: cf\n    provider_type: openai\n    default_temperature: null\n");
            BootstrapException e = assertThrows(BootstrapException.class, () -> RegistryBootstrap.apply(file, cf, cipher,
                    new io.camelllmproxy.security.UpstreamAddressPolicy(true), env::get));
            assertTrue(e.getMessage().contains(file + ":2: provider 'cf' default_temperature must be a number"), e.getMessage());
            try (Connection c = cf.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM llm_providers")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
            RegistryBootstrap.apply(write("providers:\n  - {name: cf, provider_type: openai}\n"), cf, cipher,
                    new io.camelllmproxy.security.UpstreamAddressPolicy(true), env::get);
            try (Connection c = cf.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT default_temperature FROM llm_providers WHERE name = 'cf'")) {
                rs.next();
                assertEquals(0.7, rs.getDouble(1), 1e-9, "left out, ContextForge's default");
            }
        }
        apply(write("providers:\n  - {name: ours, provider_type: openai, default_temperature: null}\n"));
        assertEquals(1, rows("SELECT id FROM llm_providers WHERE name = 'ours' AND default_temperature IS NULL").size(),
                "on our schema null means no default");
    }

    @Test
    void duplicatesAndBrokenYamlAreRefused() throws Exception {
        Path dup = write("providers:\n  - {name: a, provider_type: openai}\n  - {name: a, provider_type: groq}\n");
        assertTrue(assertThrows(BootstrapException.class, () -> apply(dup)).getMessage()
                .contains(dup + ":3: providers[1].name provider 'a' appears twice"));
        Path broken = write("providers:\n  - name: [unclosed\n");
        assertTrue(assertThrows(BootstrapException.class, () -> apply(broken)).getMessage().startsWith(broken + ": not valid YAML"));
        assertTrue(rows("SELECT id FROM llm_providers").isEmpty());
    }

    @Test
    void aMissingFileIsSkipped() throws Exception {
        apply(db.write("").resolveSibling("absent.yaml"));
        assertTrue(rows("SELECT id FROM llm_providers").isEmpty());
    }

    @Test
    void theGatewayDoesNotStartOnAMalformedFile() {
        Exception e = assertThrows(Exception.class, () -> GatewayHarness.start(
                "providers:\n  - name: x\n    provider_type: nope\n", Map.of()).close());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof BootstrapException)) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof BootstrapException, String.valueOf(e));
        assertTrue(cause.getMessage().contains(":3: providers[0].provider_type"), cause.getMessage());
    }
}
