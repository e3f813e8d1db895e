package io.camelllmproxy.observe;

import io.camelllmproxy.events.RequestObserver;
import io.camelllmproxy.events.RequestRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per finished request on logger {@value #LOGGER}: its id, key name, model, provider, status, latency
 * and tokens, as {@code key=value} pairs a log pipeline can split. Only the record's facts: never a body, a header
 * or a key. Switch it off by setting that logger to WARN.
 */
public final class AccessLog implements RequestObserver {

    /** The access log's logger. */
    public static final String LOGGER = "io.camelllmproxy.access";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    /** A value longer than this (a model name a client made up) is cut. */
    private static final int MAX_VALUE_LENGTH = 200;

    @Override
    public void finished(RequestRecord record) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        try (RequestMdc.Scope ignored = RequestMdc.open(record.requestId(), record.keyName())) {
            LOG.info("request_id={} key={} model={} provider={} status={} error={} stream={} latency_ms={} ttft_ms={} "
                            + "input_tokens={} output_tokens={} attempts={}",
                    record.requestId(), dash(record.keyName()), dash(record.requestedModel()), dash(record.providerName()),
                    record.status(), dash(record.errorCode()), record.stream(), record.latencyNanos() / 1_000_000,
                    record.firstTokenNanos() == null ? "-" : record.firstTokenNanos() / 1_000_000,
                    record.usage() == null ? "-" : record.usage().input(),
                    record.usage() == null ? "-" : record.usage().output(),
                    record.attempts() == null ? "-" : record.attempts());
        }
    }

    /** "-" for none; a client's free text (the model name) kept to one token, so it cannot forge a line. */
    private static String dash(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder token = new StringBuilder(Math.min(value.length(), MAX_VALUE_LENGTH));
        for (int i = 0; i < value.length() && i < MAX_VALUE_LENGTH; i++) {
            char c = value.charAt(i);
            token.append(Character.isISOControl(c) || Character.isWhitespace(c) ? '_' : c);
        }
        return token.toString();
    }
}
