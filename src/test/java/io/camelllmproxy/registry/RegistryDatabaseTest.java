package io.camelllmproxy.registry;

import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.support.ContextForgeSchema;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.support.TestDatabase;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Migrations on a fresh database and on one whose tables ContextForge created first. */
class RegistryDatabaseTest {

    static final Set<String> PROVIDER_COLUMNS = Set.of("id", "name", "slug", "description", "provider_type", "api_key",
            "api_base", "api_version", "config", "default_model", "default_temperature", "default_max_tokens", "enabled",
            "health_status", "last_health_check", "plugin_ids", "created_at", "updated_at", "created_by", "modified_by");
    static final Set<String> MODEL_COLUMNS = Set.of("id", "provider_id", "model_id", "model_name", "model_alias",
            "description", "supports_chat", "supports_streaming", "supports_function_calling", "supports_vision",
            "context_window", "max_output_tokens", "enabled", "deprecated", "created_at", "updated_at");

    static final Set<String> GROUP_COLUMNS = Set.of("id", "name", "strategy", "retry_attempts", "retry_max_wait_ms",
            "cooldown_failures", "cooldown_seconds", "first_token_timeout_ms", "created_at", "updated_at");
    static final Set<String> MEMBER_COLUMNS = Set.of("group_id", "position", "model_row_id", "weight");

    @Test
    void createsTheContextForgeTablesAndIsIdempotent() throws Exception {
        TestDatabase db = TestDatabase.create();
        try (HikariDataSource ds = RegistryDatabase.open(db.url(), db.user(), db.password(), 2);
             LogCapture log = LogCapture.of(RegistryDatabase.class, Level.INFO)) {
            RegistryDatabase.migrate(ds, db.url());
            RegistryDatabase.migrate(ds, db.url());
            // the version is the one the schema is at, whether this start migrated it or found it so
            assertEquals(List.of("Registry schema at version 4 (4 migrations applied now)",
                    "Registry schema at version 4 (0 migrations applied now)"),
                    log.lines().stream().map(LogCapture.Line::message).toList());
            try (Connection c = ds.getConnection()) {
                assertEquals(PROVIDER_COLUMNS, columns(c, "llm_providers"));
                assertEquals(MODEL_COLUMNS, columns(c, "llm_models"));
                assertEquals(GROUP_COLUMNS, columns(c, "llm_model_groups"));
                assertEquals(MEMBER_COLUMNS, columns(c, "llm_model_group_members"));
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO llm_providers (id, name, slug, provider_type) VALUES ('p1', 'n', 'n', 'openai')");
                    try (ResultSet rs = s.executeQuery("SELECT default_temperature, config, health_status, enabled FROM llm_providers")) {
                        rs.next();
                        rs.getDouble(1);
                        assertTrue(rs.wasNull(), "default_temperature is nullable and has no default here");
                        assertEquals("{}", rs.getString(2).trim());
                        assertEquals("unknown", rs.getString(3));
                        assertTrue(rs.getBoolean(4));
                    }
                }
            }
        }
    }

    @Test
    void leavesTablesContextForgeCreatedAsTheyAre() throws Exception {
        TestDatabase db = TestDatabase.create();
        // ContextForge's own shape: default_temperature NOT NULL DEFAULT 0.7, plus a column we do not know.
        ContextForgeSchema.create(db);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO llm_providers (id, name, slug, provider_type, created_at, updated_at, team_id)"
                    + " VALUES ('cf1', 'cf', 'cf', 'openai', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'team-a')");
        }
        try (HikariDataSource ds = RegistryDatabase.open(db.url(), db.user(), db.password(), 2)) {
            RegistryDatabase.migrate(ds, db.url());
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                Set<String> providerColumns = columns(c, "llm_providers");
                assertTrue(providerColumns.contains("team_id"), "columns we do not know are kept");
                assertEquals(PROVIDER_COLUMNS.size() + 1, providerColumns.size());
                try (ResultSet rs = s.executeQuery("SELECT team_id, default_temperature FROM llm_providers WHERE id = 'cf1'")) {
                    assertTrue(rs.next());
                    assertEquals("team-a", rs.getString(1));
                    assertEquals(0.7, rs.getDouble(2), 1e-9);
                }
                assertEquals(GROUP_COLUMNS, columns(c, "llm_model_groups"), "our group tables sit beside ContextForge's");
                // a model deleted the way ContextForge deletes it (its provider, cascading) takes its memberships along
                s.execute("INSERT INTO llm_models (id, provider_id, model_id, model_name, created_at, updated_at)"
                        + " VALUES ('m1', 'cf1', 'gpt', 'GPT', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                s.execute("INSERT INTO llm_model_groups (id, name) VALUES ('g1', 'smart')");
                s.execute("INSERT INTO llm_model_group_members (group_id, position, model_row_id) VALUES ('g1', 0, 'm1')");
                try (ResultSet rs = s.executeQuery("SELECT strategy, weight FROM llm_model_groups g"
                        + " JOIN llm_model_group_members gm ON gm.group_id = g.id")) {
                    assertTrue(rs.next());
                    assertEquals("fallback", rs.getString(1));
                    assertEquals(1, rs.getInt(2));
                }
                s.execute("DELETE FROM llm_providers WHERE id = 'cf1'");
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM llm_model_group_members")) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "members go with their model");
                }
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM llm_model_groups")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "the group stays, without the member");
                }
            }
        }
    }

    static Set<String> columns(Connection c, String table) throws Exception {
        Set<String> names = new HashSet<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, null)) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                if (schema == null || schema.equalsIgnoreCase(c.getSchema())) {
                    names.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }
}
