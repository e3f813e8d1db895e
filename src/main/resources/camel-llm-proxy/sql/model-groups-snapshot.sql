SELECT g.id AS group_id, g.name AS group_name, g.strategy, g.retry_attempts, g.retry_max_wait_ms,
       g.cooldown_failures, g.cooldown_seconds, g.first_token_timeout_ms, g.created_at AS group_created_at,
       gm.position, gm.model_row_id, gm.weight, m.model_id, p.name AS provider_name
FROM llm_model_groups g
LEFT JOIN llm_model_group_members gm ON gm.group_id = g.id
LEFT JOIN llm_models m ON m.id = gm.model_row_id
LEFT JOIN llm_providers p ON p.id = m.provider_id
ORDER BY g.name, gm.position
