package io.camelllmproxy.upstream.stream;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.stream.ClientGoneException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what Vert.x and Netty report into the failures {@link io.camelllmproxy.http.ErrorMapping} maps, so a stream
 * called through this client fails with the same client error as one called through camel-http: the same types
 * (HttpClient's own where ErrorMapping knows those), and messages that name no host or address (Netty's do). The
 * original stays as the cause, for the gateway's log.
 */
final class TransportFailures {

    private TransportFailures() {
    }

    /** The failure of a call that has no response head yet. */
    static Throwable beforeHead(Throwable failure) {
        if (failure instanceof HttpClosedException) {
            return cause(new NoHttpResponseException("the provider closed the connection without answering"), failure);
        }
        return common(failure);
    }

    /** The failure of a response body being read. */
    static Throwable afterHead(Throwable failure) {
        if (failure instanceof HttpClosedException) {
            return cause(new ConnectionClosedException("the provider closed the connection before the answer was complete"),
                    failure);
        }
        return common(failure);
    }

    private static Throwable common(Throwable failure) {
        if (failure instanceof GatewayException || failure instanceof ClientGoneException
                || failure instanceof UnknownHostException) {
            return failure;
        }
        // a reset the gateway made (read timeout, client gone) carries its reason as the cause
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof ClientGoneException || t instanceof SSLException) {
                return t;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.netty.channel.ConnectTimeoutException) {
                return cause(new ConnectTimeoutException("connect timed out"), failure);
            }
            if (t instanceof TimeoutException) {
                // the only timeout Vert.x itself runs here is the wait for a connection (pool timeout)
                return cause(new ConnectionRequestTimeoutException("no connection to the provider became free in time"),
                        failure);
            }
            if (t instanceof NoRouteToHostException) {
                return cause(new NoRouteToHostException("no route to host"), failure);
            }
            if (t instanceof ConnectException) {
                return cause(new ConnectException("connection refused"), failure);
            }
            if (t instanceof TooLongFrameException) {
                return cause(new MessageConstraintException("the response head is beyond the gateway's limits"), failure);
            }
        }
        if (failure instanceof IOException) {
            return failure;
        }
        if (failure instanceof VertxException || failure instanceof io.netty.handler.codec.DecoderException) {
            return cause(new IOException("the connection to the provider failed"), failure);
        }
        return failure;
    }

    private static <T extends Throwable> T cause(T translated, Throwable original) {
        translated.initCause(original);
        return translated;
    }
}
