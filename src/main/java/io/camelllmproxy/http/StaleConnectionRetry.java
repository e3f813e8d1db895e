package io.camelllmproxy.http;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.concurrent.CancellableDependency;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketException;

/**
 * Sends a request once more, on a fresh connection, when a pooled connection turns out to have been
 * closed by the provider while it sat idle: the provider answered nothing at all (no byte of a response)
 * on a connection that had served earlier requests. The pool validates connections idle for a while
 * before lending them, which catches most of these; this covers the close that races the send.
 * <p>
 * Why a POST may be resent: HttpClient's own strategy resends only idempotent methods, because a
 * request that got no answer may still have been received. A provider that closes an idle keep-alive
 * connection closes it between requests, so the request that meets the close was never read by it; a
 * provider that crashes after reading a request on a reused connection would see it twice. We accept
 * that rare case to avoid failing a user-visible request on every idle close. A request is resent at
 * most once, never after any part of a response arrived, never after a timeout, never when its client
 * left, and only when its body can be sent again.
 */
public class StaleConnectionRetry implements ExecChainHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StaleConnectionRetry.class);

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        try {
            return chain.proceed(request, scope);
        } catch (NoHttpResponseException | SocketException e) {
            if (!resendable(scope, e)) {
                throw e;
            }
            LOG.debug("[{}] pooled connection to {} was closed by the provider; sending again on a new connection",
                    scope.exchangeId, scope.route.getTargetHost());
            return chain.proceed(ClassicRequestBuilder.copy(scope.originalRequest).build(), scope);
        }
    }

    private static boolean resendable(ExecChain.Scope scope, IOException failure) {
        if (failure instanceof java.net.ConnectException) {
            return false;
        }
        if (scope.originalRequest instanceof CancellableDependency call && call.isCancelled()) {
            return false;
        }
        HttpEntity entity = scope.originalRequest.getEntity();
        if (entity != null && !entity.isRepeatable()) {
            return false;
        }
        EndpointDetails connection = scope.clientContext.getEndpointDetails();
        // a connection that never delivered a response was new: its failure is not an idle close
        return connection != null && connection.getResponseCount() > 0;
    }
}
