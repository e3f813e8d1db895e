package io.camelllmproxy.metrics;

import io.camelllmproxy.events.RequestRecord;

/**
 * The label values the gateway's meters take from a request, each from a bounded set: the model name only when it
 * resolved (a client sending random names must not make a series per name), names of registry rows, HTTP statuses.
 */
final class MetricLabels {

    /** The model label of a request whose model name did not resolve (or that was refused before it was read). */
    static final String UNKNOWN_MODEL = "unknown";

    private MetricLabels() {
    }

    /** The requested model (or group) name, when it named one of the registry's; else {@link #UNKNOWN_MODEL}. */
    static String model(RequestRecord record) {
        boolean resolved = record.providerName() != null || record.group() != null;
        return resolved && record.requestedModel() != null ? record.requestedModel() : UNKNOWN_MODEL;
    }

    /** The model the provider's answer named, only from a resolved request (it comes from a configured provider). */
    static String responseModel(RequestRecord record) {
        return record.providerName() == null ? "" : orEmpty(record.responseModel());
    }

    /**
     * OpenTelemetry's {@code error.type}: empty on success, else the OpenAI error code the client got, or the HTTP
     * status when the error had none (a provider's error relayed as it came).
     */
    static String errorType(RequestRecord record) {
        if (record.errorCode() != null) {
            return record.errorCode();
        }
        return record.status() >= 400 ? String.valueOf(record.status()) : "";
    }

    static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
