package io.camelllmproxy.upstream;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.concurrent.CancellableDependency;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;

/**
 * Sends a request once more, on a fresh connection, when a pooled connection turns out to have been
 * closed by the provider while it sat idle. The pool validates connections idle for a while before lending
 * them, which catches most of these; this covers the close that races the send.
 * <p>
 * Why a POST may be resent, and only then: HttpClient's own strategy resends only idempotent methods,
 * because a request that got no answer may still have been processed (and billed). A request is resent
 * only when the failure shows the provider cannot have processed it, on a connection that had served
 * earlier requests:
 * <ul>
 *   <li>the connection failed while the request was being written (broken pipe, reset): the provider never
 *       had the whole request; or</li>
 *   <li>the connection ended (EOF or reset) with no byte of a response within {@code windowMillis} after the
 *       request was fully written: a connection the provider closed while idle fails at once, whereas a
 *       provider that held the request longer (a load balancer resetting mid-generation) may have run it.</li>
 * </ul>
 * A request is resent at most once, never after any part of a response arrived, never after a timeout,
 * never when its client left, and only when its body can be sent again.
 */
public class StaleConnectionRetry implements ExecChainHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StaleConnectionRetry.class);

    private final long windowNanos;

    public StaleConnectionRetry(long windowMillis) {
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, windowMillis));
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        HttpEntity entity = request.getEntity();
        WriteMark written = new WriteMark();
        if (entity != null) {
            request.setEntity(new MarkingEntity(entity, written));
        }
        try {
            return chain.proceed(request, scope);
        } catch (NoHttpResponseException | SocketException e) {
            long failedAt = System.nanoTime();
            if (entity == null || !resendable(scope, e) || !provablyUnprocessed(written, failedAt)) {
                throw e;
            }
            LOG.debug("[{}] pooled connection to {} was closed by the provider; sending again on a new connection",
                    scope.exchangeId, scope.route.getTargetHost());
            return chain.proceed(ClassicRequestBuilder.copy(scope.originalRequest).build(), scope);
        }
    }

    /** Failed while writing, or the connection ended within the window after the request was written. */
    private boolean provablyUnprocessed(WriteMark written, long failedAt) {
        long writtenAt = written.at;
        return writtenAt == WriteMark.NOT_YET || failedAt - writtenAt <= windowNanos;
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

    /** When the request was fully written to the connection. */
    private static final class WriteMark {
        static final long NOT_YET = Long.MIN_VALUE;
        volatile long at = NOT_YET;
    }

    /** The request body, flushed to the socket and marked written once the last byte is out. */
    private static final class MarkingEntity extends HttpEntityWrapper {
        private final WriteMark written;

        MarkingEntity(HttpEntity body, WriteMark written) {
            super(body);
            this.written = written;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            super.writeTo(out);
            // flushed here, so a write failure surfaces before the mark rather than in the read after it
            out.flush();
            written.at = System.nanoTime();
        }
    }
}
