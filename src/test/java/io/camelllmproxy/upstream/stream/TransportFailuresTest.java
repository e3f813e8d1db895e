package io.camelllmproxy.upstream.stream;

import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ErrorMapping;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What Netty and Vert.x report for the failures the loopback tests cannot stage (a connect that times out, a pool
 * wait that does) becomes the client error camel-http's failure gives, with nothing of the provider's address.
 */
class TransportFailuresTest {

    @Test
    void aConnectTimeoutIsTheTimeoutError() {
        OpenAiError error = before(new ConnectTimeoutException("connection timed out: /10.1.2.3:443"));
        assertEquals(504, error.status());
        assertEquals("upstream_timeout", error.code());
        assertEquals("provider 'p' could not be reached: connection timed out", error.message());
    }

    @Test
    void aPoolWaitPastItsTimeoutIsThePoolExhaustedError() {
        OpenAiError error = before(new TimeoutException("The timeout of 5000 ms has been exceeded when getting a connection to 10.1.2.3:443"));
        assertEquals(503, error.status());
        assertEquals("upstream_pool_exhausted", error.code());
    }

    @Test
    void aCloseBeforeAndAfterTheHeadAreTheConnectionErrorsCamelHttpGives() {
        OpenAiError before = before(new HttpClosedException("Connection was closed"));
        assertEquals("upstream_connection_error", before.code());
        assertEquals("The connection to provider 'p' failed: it closed the connection without answering", before.message());
        OpenAiError after = ErrorMapping.toOpenAi(TransportFailures.afterHead(new HttpClosedException("Connection was closed")), "p");
        assertEquals("The connection to provider 'p' failed: it closed the connection before the answer was complete",
                after.message());
    }

    @Test
    void theGatewaysOwnResetsKeepTheirReason() {
        assertEquals("upstream_timeout", before(new StreamResetException(0, new SocketTimeoutException("silent"))).code());
    }

    @Test
    void aHeadTooLargeForNettyIsTheProtocolError() {
        OpenAiError error = before(new TooLongHttpHeaderException("HTTP header is larger than 2097152 bytes."));
        assertEquals(502, error.status());
        assertEquals("upstream_protocol_error", error.code());
        assertFalse(error.message().contains("2097152"), error.message());
    }

    private static OpenAiError before(Throwable failure) {
        return ErrorMapping.toOpenAi(TransportFailures.beforeHead(failure), "p");
    }
}
