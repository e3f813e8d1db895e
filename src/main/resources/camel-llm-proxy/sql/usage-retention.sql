DELETE FROM llm_usage
WHERE created_at < :#cutoff
