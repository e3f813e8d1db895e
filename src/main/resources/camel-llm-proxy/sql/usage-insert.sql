INSERT INTO llm_usage (created_at, request_id, operation, key_id, key_name, requested_model, model_group, deployment,
                       provider, provider_type, model_id, response_model, streamed, status, error_code, input_tokens,
                       output_tokens, cached_tokens, reasoning_tokens, cost_usd, priced, latency_ms, ttft_ms, attempts)
VALUES (:#created_at, :#request_id, :#operation, :#key_id, :#key_name, :#requested_model, :#model_group, :#deployment,
        :#provider, :#provider_type, :#model_id, :#response_model, :#streamed, :#status, :#error_code, :#input_tokens,
        :#output_tokens, :#cached_tokens, :#reasoning_tokens, :#cost_usd, :#priced, :#latency_ms, :#ttft_ms, :#attempts)
