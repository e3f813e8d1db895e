SELECT key_id, SUM(cost_usd) AS spent
FROM llm_usage
WHERE key_id IS NOT NULL AND created_at >= ?
GROUP BY key_id
