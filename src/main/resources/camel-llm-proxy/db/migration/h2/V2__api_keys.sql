-- Gateway API keys for clients. Only the SHA-256 of a key is stored; key_prefix lets people tell keys apart.
CREATE TABLE IF NOT EXISTS llm_api_keys (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    name          VARCHAR(255) NOT NULL,
    key_hash      VARCHAR(64)  NOT NULL UNIQUE,
    key_prefix    VARCHAR(16)  NOT NULL,
    scopes        VARCHAR(255) NOT NULL,
    rpm_limit     INTEGER,
    tpm_limit     INTEGER,
    expires_at    TIMESTAMP WITH TIME ZONE,
    enabled       BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP WITH TIME ZONE  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at  TIMESTAMP WITH TIME ZONE
);
