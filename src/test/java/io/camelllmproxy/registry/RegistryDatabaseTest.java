package io.camelllmproxy.registry;

import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
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

    @Test
    void createsTheContextForgeTablesAndIsIdempotent() throws Exception {
        TestDatabase db = TestDatabase.create();
        try (HikariDataSource ds = RegistryDatabase.open(db.url(), db.user(), db.password(), 2)) {
            RegistryDatabase.migrate(ds, db.url());
            RegistryDatabase.migrate(ds, db.url());
            try (Connection c = ds.getConnection()) {
                assertEquals(PROVIDER_COLUMNS, columns(c, "llm_providers"));
                assertEquals(MODEL_COLUMNS, columns(c, "llm_models"));
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
        String json = TestDatabase.postgres() ? "JSON" : "CLOB";
        String ts = TestDatabase.postgres() ? "TIMESTAMPTZ" : "TIMESTAMP WITH TIME ZONE";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // ContextForge's own shape: default_temperature NOT NULL DEFAULT 0.7, plus a column we do not know.
            s.execute("CREATE TABLE llm_providers (id VARCHAR(36) PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE,"
                    + " slug VARCHAR(255) NOT NULL UNIQUE, description TEXT, provider_type VARCHAR(50) NOT NULL, api_key TEXT,"
                    + " api_base VARCHAR(512), api_version VARCHAR(50), config " + json + " NOT NULL DEFAULT '{}',"
                    + " default_model VARCHAR(255), default_temperature FLOAT NOT NULL DEFAULT 0.7, default_max_tokens INTEGER,"
                    + " enabled BOOLEAN NOT NULL DEFAULT TRUE, health_status VARCHAR(20) NOT NULL DEFAULT 'unknown',"
                    + " last_health_check " + ts + ", plugin_ids " + json + " NOT NULL DEFAULT '[]',"
                    + " created_at " + ts + " NOT NULL, updated_at " + ts + " NOT NULL, created_by VARCHAR(255),"
                    + " modified_by VARCHAR(255), team_id VARCHAR(36))");
            s.execute("CREATE TABLE llm_models (id VARCHAR(36) PRIMARY KEY, provider_id VARCHAR(36) NOT NULL REFERENCES"
                    + " llm_providers(id) ON DELETE CASCADE, model_id VARCHAR(255) NOT NULL, model_name VARCHAR(255) NOT NULL,"
                    + " model_alias VARCHAR(255), description TEXT, supports_chat BOOLEAN DEFAULT TRUE,"
                    + " supports_streaming BOOLEAN DEFAULT TRUE, supports_function_calling BOOLEAN DEFAULT FALSE,"
                    + " supports_vision BOOLEAN DEFAULT FALSE, context_window INTEGER, max_output_tokens INTEGER,"
                    + " enabled BOOLEAN DEFAULT TRUE, deprecated BOOLEAN DEFAULT FALSE, created_at " + ts + " NOT NULL,"
                    + " updated_at " + ts + " NOT NULL, UNIQUE (provider_id, model_id))");
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
