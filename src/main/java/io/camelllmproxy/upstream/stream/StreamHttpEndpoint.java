package io.camelllmproxy.upstream.stream;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** {@code llm-stream-http:<name>}: a producer only; every call's target comes from the message. */
final class StreamHttpEndpoint extends DefaultEndpoint {

    StreamHttpEndpoint(String uri, StreamHttpComponent component) {
        super(uri, component);
    }

    @Override
    public StreamHttpComponent getComponent() {
        return (StreamHttpComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new StreamHttpProducer(this, getComponent());
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("llm-stream-http calls providers; it does not serve");
    }

    @Override
    public boolean isRemote() {
        return true;
    }
}
