package io.camelllmproxy.transform;

/** How a provider frames a streamed answer. */
public enum StreamFraming {
    /** Server-Sent Events: {@code data:} lines, events ended by a blank line (OpenAI, Azure, Anthropic). */
    SSE,
    /** One JSON object per line (Ollama's native API). */
    NDJSON
}
