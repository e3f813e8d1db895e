package io.camelllmproxy.metrics;

import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.stream.ClientGoneException;
import io.camelllmproxy.upstream.ProviderStatusException;
import org.apache.camel.CamelExchangeException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The outcome label of a provider call is one of a few fixed words, whatever the failure and however deep Camel
 * wrapped it; the calls over HTTP are counted in {@link GenAiMetricsTest}.
 */
class UpstreamAttemptsTest {

    @Test
    void eachFailureHasItsKind() {
        assertEquals("success", UpstreamAttempts.outcome(null));
        assertEquals("http_429", UpstreamAttempts.outcome(status(429)));
        assertEquals("http_5xx", UpstreamAttempts.outcome(status(503)));
        assertEquals("http_5xx", UpstreamAttempts.outcome(status(529)));
        assertEquals("http_4xx", UpstreamAttempts.outcome(status(400)));
        assertEquals("http_429", UpstreamAttempts.outcome(new CamelExchangeException("wrapped", null, status(429))));
        assertEquals("timeout", UpstreamAttempts.outcome(new SocketTimeoutException("Read timed out")));
        assertEquals("connect", UpstreamAttempts.outcome(new ConnectException("Connection refused")));
        assertEquals("client_closed", UpstreamAttempts.outcome(new ClientGoneException()));
        assertEquals("error", UpstreamAttempts.outcome(new IllegalStateException("a gateway bug")));
    }

    private static ProviderStatusException status(int code) {
        return new ProviderStatusException(OpenAiError.of(code, OpenAiError.SERVER_ERROR, "upstream_error", "x"), code, null);
    }
}
