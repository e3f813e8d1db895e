-- ContextForge v1.0.8's account and revocation tables (mcpgateway/db.py: EmailUser, TokenRevocation), columns and
-- constraints as it declares them, so the gateway is tested against the rows ContextForge writes.
CREATE TABLE email_users (
    id                       VARCHAR(36)  NOT NULL PRIMARY KEY,
    email                    VARCHAR(255) NOT NULL UNIQUE,
    password_hash            VARCHAR(255) NOT NULL,
    full_name                VARCHAR(255),
    is_admin                 BOOLEAN      NOT NULL DEFAULT FALSE,
    admin_origin             VARCHAR(20),
    is_active                BOOLEAN      NOT NULL DEFAULT TRUE,
    email_verified_at        TIMESTAMP WITH TIME ZONE,
    auth_provider            VARCHAR(50)  NOT NULL DEFAULT 'local',
    password_hash_type       VARCHAR(20)  NOT NULL DEFAULT 'argon2id',
    failed_login_attempts    INTEGER      NOT NULL DEFAULT 0,
    locked_until             TIMESTAMP WITH TIME ZONE,
    password_change_required BOOLEAN      NOT NULL DEFAULT FALSE,
    password_changed_at      TIMESTAMP WITH TIME ZONE,
    created_at               TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at               TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login               TIMESTAMP WITH TIME ZONE
);
CREATE TABLE token_revocations (
    jti           VARCHAR(36)  NOT NULL PRIMARY KEY,
    revoked_at    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    revoked_by    VARCHAR(255) NOT NULL REFERENCES email_users (email),
    reason        VARCHAR(255),
    token_expiry  TIMESTAMP WITH TIME ZONE,
    last_activity TIMESTAMP WITH TIME ZONE
);
