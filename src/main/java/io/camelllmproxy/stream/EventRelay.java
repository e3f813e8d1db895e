package io.camelllmproxy.stream;

import io.camelllmproxy.auth.TokenCharge;
import io.camelllmproxy.transform.StreamTranslator;

import java.io.IOException;
import java.util.List;

/** Passes each upstream event through the stream translator to the client, charging reported usage to the key. */
public final class EventRelay {

    private final StreamSession session;
    private final StreamTranslator translator;
    private final TokenCharge charge;

    public EventRelay(StreamSession session, StreamTranslator translator, TokenCharge charge) {
        this.session = session;
        this.translator = translator;
        this.charge = charge;
    }

    public void onEvent(String data) throws IOException {
        if (session.isClientGone()) {
            throw new ClientGoneException();
        }
        if (!SseEventReader.END.equals(data)) {
            send(translator.onEvent(data));
        }
    }

    public void onEnd() throws IOException {
        send(translator.onEnd());
    }

    private void send(List<String> payloads) throws IOException {
        for (String payload : payloads) {
            if ("[DONE]".equals(payload)) {
                session.sendDone();
            } else {
                session.sendData(payload);
                if (charge != null) {
                    charge.fromChunk(payload);
                }
            }
        }
    }
}
