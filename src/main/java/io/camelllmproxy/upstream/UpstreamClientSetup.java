package io.camelllmproxy.upstream;

import io.camelllmproxy.security.ProviderCredential;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.util.Timeout;

import java.util.function.Function;

/**
 * Makes camel-http's HttpClient the gateway's own: {@link UpstreamCallAbort} first, then
 * {@link StaleConnectionRetry}, {@link UpstreamCredentials} just before the request is written, and the
 * client settings the gateway relies on. They are set here, on this endpoint's client, rather than as
 * {@code camel.component.http.*} properties, so that a host application's own settings for its {@code http}
 * component change nothing for the gateway, and the gateway nothing for the host: HttpClient would otherwise
 * resend a POST on 429/503 (automatic retries), follow a provider's redirect, or inflate a compressed stream.
 * Applied after camel-http's own configuration of the builder, these win over any component setting; and the
 * endpoint belongs to the gateway's own instance of the component ({@link #component()}), so no host setting
 * reaches it in the first place.
 */
public class UpstreamClientSetup implements HttpClientConfigurer {

    private final long staleRetryWindowMillis;
    private final long poolTimeoutMillis;
    private final long readTimeoutMillis;
    private final Function<String, ProviderCredential> credentials;

    /**
     * {@code staleRetryWindowMillis}: see {@link StaleConnectionRetry}; {@code poolTimeoutMillis}: longest wait for a
     * pooled connection; {@code readTimeoutMillis}: longest silence of a provider; {@code credentials}: a provider's
     * current key by its row id (see {@link UpstreamCredentials}).
     */
    public UpstreamClientSetup(long staleRetryWindowMillis, long poolTimeoutMillis, long readTimeoutMillis,
                               Function<String, ProviderCredential> credentials) {
        this.staleRetryWindowMillis = staleRetryWindowMillis;
        this.poolTimeoutMillis = poolTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.credentials = credentials;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("upstream-call-abort", new UpstreamCallAbort());
        builder.addExecInterceptorAfter("upstream-call-abort", "stale-connection-retry",
                new StaleConnectionRetry(staleRetryWindowMillis));
        builder.addExecInterceptorAfter(ChainElement.PROTOCOL.name(), "upstream-credentials",
                new UpstreamCredentials(credentials));
        builder.disableAutomaticRetries()
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                // the connect timeout is the pool's (UpstreamConnections); a request-level one would override it
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.ofMilliseconds(poolTimeoutMillis))
                        .setResponseTimeout(Timeout.ofMilliseconds(readTimeoutMillis))
                        .setRedirectsEnabled(false)
                        .build());
    }

    /**
     * The gateway's own instance of camel-http's component, bound as {@code llm-http}: the host's {@code http}
     * component and its {@code camel.component.http.*} settings stay the host's alone. Its activity listener
     * does nothing as one: camel-http puts the exchange into the HttpClient context only when a listener is
     * set, and {@link UpstreamCallAbort} needs the exchange to find the client it serves. The listener is set
     * here and never bound in the registry, where Camel would autowire it into the host's component.
     */
    public static HttpComponent component() {
        HttpComponent component = new HttpComponent();
        component.setHttpActivityListener(new ExchangeInContext());
        return component;
    }

    private static final class ExchangeInContext implements HttpActivityListener {
        @Override
        public void onRequestSubmitted(Object source, Exchange exchange, HttpHost host, HttpRequest request, HttpEntity entity) {
            // nothing to record: set only so that the exchange reaches UpstreamCallAbort
        }

        @Override
        public void onResponseReceived(Object source, Exchange exchange, HttpHost host, HttpResponse response,
                                       HttpEntity entity, long elapsed) {
            // nothing to record
        }
    }
}
