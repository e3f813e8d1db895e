package io.camelllmproxy.upstream;

import io.camelllmproxy.http.AdmissionControl;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

import java.io.IOException;

/**
 * Cancels a provider call as soon as its client leaves, whatever stage the call is in: waiting for a
 * pooled connection, connecting, waiting for the response head, or reading the body. Cancelling the
 * request HttpClient runs cancels the pool lease or closes the socket, so the blocked worker thread
 * wakes at once instead of at the read timeout. The first handler of the exec chain, so it sees the
 * request camel-http created (the one HttpClient cancels) and the Camel exchange in the context.
 */
public class UpstreamCallAbort implements ExecChainHandler {

    /** The attribute under which camel-http puts the exchange in the HttpClient context. */
    static final String EXCHANGE_ATTRIBUTE = Exchange.class.getName();

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        if (scope.clientContext.getAttribute(EXCHANGE_ATTRIBUTE) instanceof Exchange exchange
                && exchange.getProperty(AdmissionControl.RequestContext.PROPERTY) instanceof AdmissionControl.RequestContext context
                && scope.originalRequest instanceof Cancellable call
                && !context.onClientGone(call::cancel)) {
            // the client left before the call started: a cancelled request fails at its first step
            call.cancel();
        }
        return chain.proceed(request, scope);
    }
}
