package io.camelllmproxy.upstream;

import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Adds the gateway's steps to camel-http's HttpClient: {@link UpstreamCallAbort} first, then
 * {@link StaleConnectionRetry}. It is also the endpoint's activity listener, and does nothing as one:
 * camel-http puts the exchange into the HttpClient context only when a listener is set, and the abort
 * step needs the exchange to find the client it serves.
 */
public class UpstreamClientSetup implements HttpClientConfigurer, HttpActivityListener {

    private final long staleRetryWindowMillis;

    /** {@code staleRetryWindowMillis}: see {@link StaleConnectionRetry}. */
    public UpstreamClientSetup(long staleRetryWindowMillis) {
        this.staleRetryWindowMillis = staleRetryWindowMillis;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("upstream-call-abort", new UpstreamCallAbort());
        builder.addExecInterceptorAfter("upstream-call-abort", "stale-connection-retry",
                new StaleConnectionRetry(staleRetryWindowMillis));
    }

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
