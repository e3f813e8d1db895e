package io.camelllmproxy.support;

import java.sql.Connection;
import java.sql.Statement;

/**
 * The registry tables as ContextForge's migration {@code l6f7g8h9i0j1_add_llm_settings_tables} creates
 * them (NOT NULL columns with server defaults, {@code default_temperature NOT NULL DEFAULT 0.7}), plus a
 * {@code team_id} column we do not know, for tests of a database ContextForge created first.
 */
public final class ContextForgeSchema {

    private ContextForgeSchema() {
    }

    public static void create(TestDatabase db) throws Exception {
        String json = TestDatabase.postgres() ? "JSON" : "CLOB";
        String ts = TestDatabase.postgres() ? "TIMESTAMPTZ" : "TIMESTAMP WITH TIME ZONE";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
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
                    + " model_alias VARCHAR(255), description TEXT, supports_chat BOOLEAN NOT NULL DEFAULT TRUE,"
                    + " supports_streaming BOOLEAN NOT NULL DEFAULT TRUE, supports_function_calling BOOLEAN NOT NULL DEFAULT FALSE,"
                    + " supports_vision BOOLEAN NOT NULL DEFAULT FALSE, context_window INTEGER, max_output_tokens INTEGER,"
                    + " enabled BOOLEAN NOT NULL DEFAULT TRUE, deprecated BOOLEAN NOT NULL DEFAULT FALSE, created_at " + ts
                    + " NOT NULL, updated_at " + ts + " NOT NULL, UNIQUE (provider_id, model_id))");
        }
    }
}
