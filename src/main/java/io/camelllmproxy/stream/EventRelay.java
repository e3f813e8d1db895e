package io.camelllmproxy.stream;

import io.camelllmproxy.transform.StreamTranslator;

import java.io.IOException;
import java.util.List;

/** Feeds upstream lines through the SSE parser and the stream translator to the client. */
public final class EventRelay {

    private final StreamSession session;
    private final StreamTranslator translator;
    private final SseEventParser parser = new SseEventParser();

    public EventRelay(StreamSession session, StreamTranslator translator) {
        this.session = session;
        this.translator = translator;
    }

    public void onLine(String line) throws IOException {
        if (session.isClientGone()) {
            throw new ClientGoneException();
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line = line.substring(0, end - 1);
        }
        String event = parser.onLine(line);
        if (event != null) {
            send(translator.onEvent(event));
        }
    }

    public void onEnd() throws IOException {
        String pending = parser.finish();
        if (pending != null) {
            send(translator.onEvent(pending));
        }
        send(translator.onEnd());
    }

    private void send(List<String> payloads) throws IOException {
        for (String payload : payloads) {
            if ("[DONE]".equals(payload)) {
                session.sendDone();
            } else {
                session.sendData(payload);
            }
        }
    }
}
