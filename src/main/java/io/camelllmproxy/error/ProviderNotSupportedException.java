package io.camelllmproxy.error;

/**
 * Raised from the dispatch route for a provider type without a translator: answering 501 is safer than
 * sending the request, and that provider's key, to some other provider's URL.
 */
public class ProviderNotSupportedException extends GatewayException {
    public ProviderNotSupportedException(String message) {
        super(OpenAiError.of(501, OpenAiError.INVALID_REQUEST, "provider_not_supported", message));
    }
}
