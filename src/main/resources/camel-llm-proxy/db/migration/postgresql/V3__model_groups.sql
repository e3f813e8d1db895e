-- Model groups: our own tables beside ContextForge's (which stay untouched). A group is a name clients send as
-- "model" standing for an ordered list of registry models. NULL policy columns mean "the gateway's default",
-- applied when the snapshot is read, so a changed default reaches groups that never set the value.
-- A member goes with its model (and so with its provider): ON DELETE CASCADE on model_row_id.
CREATE TABLE IF NOT EXISTS llm_model_groups (
    id                     VARCHAR(36)  NOT NULL PRIMARY KEY,
    name                   VARCHAR(255) NOT NULL UNIQUE,
    strategy               VARCHAR(20)  NOT NULL DEFAULT 'fallback',
    retry_attempts         INTEGER,
    retry_max_wait_ms      BIGINT,
    cooldown_failures      INTEGER,
    cooldown_seconds       INTEGER,
    first_token_timeout_ms BIGINT,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS llm_model_group_members (
    group_id     VARCHAR(36) NOT NULL REFERENCES llm_model_groups (id) ON DELETE CASCADE,
    position     INTEGER     NOT NULL,
    model_row_id VARCHAR(36) NOT NULL REFERENCES llm_models (id) ON DELETE CASCADE,
    weight       INTEGER     NOT NULL DEFAULT 1,
    PRIMARY KEY (group_id, position)
);

CREATE INDEX IF NOT EXISTS idx_llm_model_group_members_model ON llm_model_group_members (model_row_id);
