package io.camelllmproxy.http;

import io.camelllmproxy.error.OpenAiError;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Failures that no provider caused, as the client sees them. */
class ErrorMappingTest {

    @Test
    void aRouteSwappedByALiveReloadIsARetryable503NotAnInternalError() {
        Exception swapped = new org.apache.camel.CamelExecutionException("failed",
                new DefaultExchange(new DefaultCamelContext()), new DirectConsumerNotAvailableException(
                        "No consumers available on endpoint: direct://llm-provider-call", null));
        OpenAiError error = ErrorMapping.toOpenAi(swapped, "p");
        assertEquals(503, error.status());
        assertEquals("route_reloading", error.code());
        assertEquals("1", error.headers().get("Retry-After"));
        assertFalse(ErrorMapping.unexpected(error), "not logged as the gateway's own failure");
    }
}
