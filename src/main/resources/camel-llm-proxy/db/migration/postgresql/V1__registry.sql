-- The registry tables exactly as ContextForge creates them, so either side can use the other's database.
-- IF NOT EXISTS everywhere: on a ContextForge database these statements find the tables and change nothing.
-- default_temperature is nullable here: a provider default is applied only when one is configured.
CREATE TABLE IF NOT EXISTS llm_providers (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    name                VARCHAR(255) NOT NULL UNIQUE,
    slug                VARCHAR(255) NOT NULL UNIQUE,
    description         TEXT,
    provider_type       VARCHAR(50)  NOT NULL,
    api_key             TEXT,
    api_base            VARCHAR(512),
    api_version         VARCHAR(50),
    config              JSON         NOT NULL DEFAULT '{}',
    default_model       VARCHAR(255),
    default_temperature DOUBLE PRECISION,
    default_max_tokens  INTEGER,
    enabled             BOOLEAN      NOT NULL DEFAULT TRUE,
    health_status       VARCHAR(20)  NOT NULL DEFAULT 'unknown',
    last_health_check   TIMESTAMPTZ,
    plugin_ids          JSON         NOT NULL DEFAULT '[]',
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at          TIMESTAMPTZ  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    created_by          VARCHAR(255),
    modified_by         VARCHAR(255)
);

CREATE TABLE IF NOT EXISTS llm_models (
    id                        VARCHAR(36)  NOT NULL PRIMARY KEY,
    provider_id               VARCHAR(36)  NOT NULL REFERENCES llm_providers (id) ON DELETE CASCADE,
    model_id                  VARCHAR(255) NOT NULL,
    model_name                VARCHAR(255) NOT NULL,
    model_alias               VARCHAR(255),
    description               TEXT,
    supports_chat             BOOLEAN      NOT NULL DEFAULT TRUE,
    supports_streaming        BOOLEAN      NOT NULL DEFAULT TRUE,
    supports_function_calling BOOLEAN      NOT NULL DEFAULT FALSE,
    supports_vision           BOOLEAN      NOT NULL DEFAULT FALSE,
    context_window            INTEGER,
    max_output_tokens         INTEGER,
    enabled                   BOOLEAN      NOT NULL DEFAULT TRUE,
    deprecated                BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at                TIMESTAMPTZ  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at                TIMESTAMPTZ  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_llm_models_provider_model UNIQUE (provider_id, model_id)
);

CREATE INDEX IF NOT EXISTS idx_llm_providers_enabled ON llm_providers (enabled);
CREATE INDEX IF NOT EXISTS idx_llm_providers_provider_type ON llm_providers (provider_type);
CREATE INDEX IF NOT EXISTS idx_llm_models_enabled ON llm_models (enabled);
CREATE INDEX IF NOT EXISTS idx_llm_models_provider_id ON llm_models (provider_id);
