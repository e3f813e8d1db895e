SELECT m.id AS model_row_id, m.model_id, m.model_name, m.model_alias, m.enabled AS model_enabled, m.supports_chat,
       m.created_at AS model_created_at,
       p.id AS provider_id, p.name AS provider_name, p.provider_type, p.api_key, p.api_base, p.api_version,
       p.config, p.default_temperature, p.default_max_tokens, p.enabled AS provider_enabled,
       pr.input_cost_per_mtok, pr.output_cost_per_mtok, pr.cached_input_cost_per_mtok
FROM llm_providers p
LEFT JOIN llm_models m ON m.provider_id = p.id
LEFT JOIN llm_model_prices pr ON pr.model_row_id = m.id
ORDER BY p.name, m.model_id
