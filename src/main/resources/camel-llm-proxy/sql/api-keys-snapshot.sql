SELECT id, name, key_hash, key_prefix, scopes, rpm_limit, tpm_limit, expires_at, enabled, max_budget_usd, budget_period
FROM llm_api_keys
