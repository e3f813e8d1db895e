package io.camelllmproxy.transform;

import java.util.List;

/**
 * Turns one stream's upstream events into OpenAI chunk payloads (the text after {@code data: }). One
 * instance per stream, used by one thread at a time.
 */
public interface StreamTranslator {

    /** The OpenAI payloads for one upstream event: an SSE event's data, or one NDJSON line. */
    List<String> onEvent(String data);

    /** What must still be sent once the upstream ended cleanly; always finishes with {@code [DONE]}. */
    List<String> onEnd();
}
