SELECT p.id, p.name, p.enabled, p.api_key
FROM llm_providers p
ORDER BY p.name
