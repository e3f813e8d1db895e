package io.camelllmproxy.upstream.stream;

import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.vertx.core.Vertx;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code llm-stream-http}: the provider call of a stream, made with Vert.x's non-blocking HttpClient instead of
 * camel-http's blocking one, so an open stream holds no thread. It takes what {@code llm-upstream-call-preparer}
 * puts on the message and gives back what camel-http gives (status, reason, headers), with the body a paused
 * {@link io.camelllmproxy.upstream.StreamedBody} for a 2xx answer and the bytes of an error answer otherwise.
 * The gateway's guarantees of the camel-http path hold here too: the key added inside the client, the address policy
 * on every connection, the timeouts, no redirect, the abort when the client leaves and one resend after a
 * provider's idle close.
 */
public class StreamHttpComponent extends DefaultComponent {

    private final UpstreamAddressPolicy policy;
    private final Function<String, ProviderCredential> credentials;
    private final Supplier<Vertx> vertx;
    private final StreamHttpSettings settings;
    private final StreamHttpClients clients;
    private final StaleConnectionResend resend;

    /**
     * @param credentials a provider's current key by its row id, null when the provider is gone
     * @param vertx       the Vert.x to call with when the calling thread has no Vert.x context (the gateway's server's)
     */
    public StreamHttpComponent(UpstreamAddressPolicy policy, Function<String, ProviderCredential> credentials,
                               Supplier<Vertx> vertx, StreamHttpSettings settings) {
        this.policy = policy;
        this.credentials = credentials;
        this.vertx = vertx;
        this.settings = settings;
        this.clients = new StreamHttpClients(settings);
        this.resend = new StaleConnectionResend(settings.staleRetryWindowMillis());
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new StreamHttpEndpoint(uri, this);
    }

    @Override
    protected void doStop() throws Exception {
        clients.close();
        super.doStop();
    }

    UpstreamAddressPolicy policy() {
        return policy;
    }

    Function<String, ProviderCredential> credentials() {
        return credentials;
    }

    Supplier<Vertx> vertx() {
        return vertx;
    }

    StreamHttpSettings settings() {
        return settings;
    }

    StreamHttpClients clients() {
        return clients;
    }

    StaleConnectionResend resend() {
        return resend;
    }
}
