package io.camelllmproxy.upstream;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;

/**
 * A provider's answer other than 2xx, as the client will see it ({@link #error()}), with what failover needs that
 * the client's error does not keep: the status the provider sent and how long it asked to be left alone.
 */
public class ProviderStatusException extends GatewayException {

    private final int providerStatus;
    private final Long retryAfterMillis;

    public ProviderStatusException(OpenAiError error, int providerStatus, Long retryAfterMillis) {
        super(error);
        this.providerStatus = providerStatus;
        this.retryAfterMillis = retryAfterMillis;
    }

    public int providerStatus() {
        return providerStatus;
    }

    /** Milliseconds the provider asked to wait ({@code Retry-After} and kin), or null. */
    public Long retryAfterMillis() {
        return retryAfterMillis;
    }
}
