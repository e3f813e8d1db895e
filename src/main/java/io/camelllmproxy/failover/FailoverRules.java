package io.camelllmproxy.failover;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.upstream.ProviderStatusException;

import java.util.Set;

/**
 * Which failures of a provider call another attempt may mend (README, "Failover rules"). The provider's own
 * statuses that say "not now" or "not me" fail over; any other 4xx is the client's request at fault and is answered
 * at once. Failures of the connection (refused, reset, DNS, TLS, timeouts, no free connection to it, an answer in the
 * wrong framing) fail over; a failure of the gateway itself does not.
 */
public final class FailoverRules {

    /** Provider statuses another attempt may mend: timeouts, conflicts, rate limits, outages, Anthropic's 529. */
    static final Set<Integer> RETRYABLE_STATUSES = Set.of(408, 409, 429, 500, 502, 503, 504, 529);

    /** Error codes of transport failures (ErrorMapping) another member, or a later try, may not meet. */
    static final Set<String> RETRYABLE_CODES = Set.of("upstream_timeout", "upstream_unreachable",
            "upstream_connection_error", "upstream_tls_error", "upstream_pool_exhausted", "upstream_protocol_error");

    /** What a failure means for failover: whether to try again, why the member was left, how long it asked for. */
    public record Verdict(boolean retryable, String reason, Long retryAfterMillis) {
    }

    private FailoverRules() {
    }

    public static Verdict judge(Throwable failure, String providerName) {
        ProviderStatusException status = find(failure, ProviderStatusException.class);
        if (status != null) {
            Long wait = status.retryAfterMillis();
            String reason = "HTTP " + status.providerStatus() + (wait == null ? "" : " (retry after " + wait + " ms)");
            return new Verdict(RETRYABLE_STATUSES.contains(status.providerStatus()), reason, wait);
        }
        OpenAiError error = ErrorMapping.toOpenAi(failure, providerName);
        if (error == null) {
            return new Verdict(false, "client gone", null);
        }
        boolean transport = RETRYABLE_CODES.contains(error.code());
        return new Verdict(transport, error.code(), null);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t instanceof GatewayException) {
                return null;
            }
        }
        return null;
    }
}
