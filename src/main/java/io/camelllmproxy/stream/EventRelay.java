package io.camelllmproxy.stream;

import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.transform.StreamTranslator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes each upstream event through the stream translator to the reader of the stream (an HTTP client or an
 * in-JVM caller), masking the provider's key. The translator is a {@link UsageTap}, which meters the usage a chunk
 * reports (charged to the caller's gateway key) before the reader gets what it asked for of it.
 */
public final class EventRelay {

    private final ChunkSink session;
    private final StreamTranslator translator;
    private final ProviderCredential credential;

    /** {@code credential} is the provider's key, masked in every event relayed (error events above all). */
    public EventRelay(ChunkSink session, StreamTranslator translator, ProviderCredential credential) {
        this.session = session;
        this.translator = translator;
        this.credential = credential;
    }

    /** Translates the events of one split part and hands what they produce to the reader at once. */
    public void onEvents(List<String> events) throws IOException {
        if (session.isClientGone()) {
            throw new ClientGoneException();
        }
        if (events.size() == 1) {
            send(translator.onEvent(events.get(0)));
            return;
        }
        List<String> payloads = new ArrayList<>();
        for (String event : events) {
            payloads.addAll(translator.onEvent(event));
        }
        send(payloads);
    }

    public void onEnd() throws IOException {
        send(translator.onEnd());
    }

    private void send(List<String> translated) throws IOException {
        if (translated.isEmpty()) {
            return;
        }
        List<String> payloads = !credential.isPresent() ? translated : translated.stream().map(credential::mask).toList();
        session.sendAll(payloads);
    }
}
