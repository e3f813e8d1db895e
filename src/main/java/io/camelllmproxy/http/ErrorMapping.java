package io.camelllmproxy.http;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.security.ForbiddenAddressException;
import io.camelllmproxy.stream.ClientGoneException;
import io.camelllmproxy.stream.UpstreamProtocolException;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
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
import java.util.Map;

/**
 * Decides which OpenAI error a failure becomes. Transport failures are found anywhere in the cause chain,
 * because Camel wraps them (the splitter, for one, wraps the reader's IOException). Messages name the
 * provider, never its URL, host or address: HttpClient's own messages carry those, and clients must not
 * learn where the gateway's providers live.
 */
public final class ErrorMapping {

    private ErrorMapping() {
    }

    /** As {@link #toOpenAi(Throwable, String)} when no provider has been chosen yet. */
    public static OpenAiError toOpenAi(Throwable failure) {
        return toOpenAi(failure, null);
    }

    /** The client error for {@code failure} while calling {@code providerName}, or null when the client has gone. */
    public static OpenAiError toOpenAi(Throwable failure, String providerName) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof GatewayException g) {
                return g.error();
            }
            if (t instanceof ClientGoneException) {
                return null;
            }
        }
        String provider = providerName == null ? "the upstream provider" : "provider '" + providerName + "'";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DirectConsumerNotAvailableException) {
                // a route this request needed was swapped by a live reload and not back in time: worth sending again
                return new OpenAiError(503, OpenAiError.SERVER_ERROR, "route_reloading", null,
                        "A route serving this request was being replaced (a live reload); send the request again",
                        Map.of("Retry-After", "1"));
            }
            if (t instanceof ConnectionRequestTimeoutException) {
                return OpenAiError.of(503, OpenAiError.SERVER_ERROR, "upstream_pool_exhausted",
                        "Every connection to " + provider + " is in use; retry shortly");
            }
            if (t instanceof UpstreamProtocolException protocol) {
                return OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_protocol_error",
                        provider + " " + protocol.getMessage());
            }
            if (t instanceof MessageConstraintException) {
                return OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_protocol_error",
                        provider + " answered with headers beyond the gateway's limits (llm.upstream.max-header-count, "
                                + "llm.upstream.max-header-line-bytes)");
            }
            if (t instanceof ConnectTimeoutException) {
                return OpenAiError.of(504, OpenAiError.UPSTREAM_ERROR, "upstream_timeout",
                        provider + " could not be reached: connection timed out");
            }
            if (t instanceof SocketTimeoutException || t instanceof java.io.InterruptedIOException) {
                return OpenAiError.of(504, OpenAiError.UPSTREAM_ERROR, "upstream_timeout",
                        provider + " did not answer in time");
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_unreachable",
                        provider + " could not be reached: " + unreachableReason(t));
            }
            if (t instanceof SSLException) {
                return OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_tls_error",
                        "The TLS handshake with " + provider + " failed (certificate or protocol mismatch)");
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_connection_error",
                        "The connection to " + provider + " failed: " + connectionReason(t));
            }
        }
        return OpenAiError.of(500, OpenAiError.SERVER_ERROR, "internal_error",
                "The gateway failed to handle the request; see its log");
    }

    /** Whether the failure is one the gateway did not expect and should log with its stack trace. */
    public static boolean unexpected(OpenAiError error) {
        return error != null && "internal_error".equals(error.code());
    }

    private static String unreachableReason(Throwable t) {
        if (t instanceof ForbiddenAddressException forbidden) {
            return "its address " + forbidden.reason();
        }
        if (t instanceof UnknownHostException) {
            return "its host name does not resolve";
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return "connection refused";
    }

    private static String connectionReason(Throwable t) {
        if (t instanceof NoHttpResponseException) {
            return "it closed the connection without answering";
        }
        if (t instanceof ConnectionClosedException) {
            return "it closed the connection before the answer was complete";
        }
        if (t instanceof java.net.SocketException) {
            return "connection reset";
        }
        return "I/O error (" + t.getClass().getSimpleName() + ")";
    }
}
