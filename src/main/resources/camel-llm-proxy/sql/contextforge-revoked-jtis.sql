-- JWT ids ContextForge has revoked (API tokens revoked by their owner or an admin, sessions logged out or idle).
SELECT jti
FROM token_revocations
