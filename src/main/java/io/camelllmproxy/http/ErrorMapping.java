package io.camelllmproxy.http;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.stream.ClientGoneException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Decides which OpenAI error a failure becomes. Transport failures are found anywhere in the cause chain,
 * because Camel wraps them (the splitter, for one, wraps the reader's IOException).
 */
public final class ErrorMapping {

    private ErrorMapping() {
    }

    /** The client error for {@code failure}, or null when the client has gone and nothing can be sent. */
    public static OpenAiError toOpenAi(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof GatewayException g) {
                return g.error();
            }
            if (t instanceof ClientGoneException) {
                return null;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectionRequestTimeoutException) {
                return OpenAiError.of(503, OpenAiError.SERVER_ERROR, "upstream_pool_exhausted",
                        "Every connection to the upstream provider is in use; retry shortly");
            }
            if (t instanceof SocketTimeoutException || t instanceof java.io.InterruptedIOException) {
                return OpenAiError.of(504, OpenAiError.UPSTREAM_ERROR, "upstream_timeout",
                        "The upstream provider did not answer in time: " + t.getMessage());
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_unreachable",
                        "The upstream provider could not be reached: " + t.getMessage());
            }
            if (t instanceof SSLException) {
                return OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_tls_error",
                        "The TLS handshake with the upstream provider failed: " + t.getMessage());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return OpenAiError.of(502, OpenAiError.UPSTREAM_ERROR, "upstream_connection_error",
                        "The connection to the upstream provider failed: " + t.getMessage());
            }
        }
        return OpenAiError.of(500, OpenAiError.SERVER_ERROR, "internal_error",
                "The gateway failed to handle the request; see its log");
    }

    /** Whether the failure is one the gateway did not expect and should log with its stack trace. */
    public static boolean unexpected(OpenAiError error) {
        return error != null && "internal_error".equals(error.code());
    }
}
