package io.camelllmproxy.upstream.stream;

/**
 * How the streaming client talks to providers, from the same {@code llm.upstream.*} properties as the camel-http
 * path, so a provider meets the same limits whichever client calls it.
 *
 * @param connectTimeoutMillis   longest TCP connect ({@code llm.upstream.connect-timeout-ms})
 * @param readTimeoutMillis      longest silence of a provider while the gateway wants its bytes
 *                               ({@code llm.upstream.read-timeout-ms})
 * @param poolTimeoutMillis      longest wait for a free connection ({@code llm.upstream.pool-timeout-ms})
 * @param maxConnectionsPerHost  open connections to one provider address ({@code llm.upstream.max-connections-per-host})
 * @param maxHeaderCount         headers a provider's response head may hold ({@code llm.upstream.max-header-count})
 * @param maxHeaderLineBytes     longest header line or status line ({@code llm.upstream.max-header-line-bytes})
 * @param staleRetryWindowMillis see {@link StaleConnectionResend} ({@code llm.upstream.stale-retry-window-ms})
 */
public record StreamHttpSettings(long connectTimeoutMillis, long readTimeoutMillis, long poolTimeoutMillis,
                                 int maxConnectionsPerHost, int maxHeaderCount, int maxHeaderLineBytes,
                                 long staleRetryWindowMillis) {

    /** The bound on a whole response head: every header at its longest line. */
    int maxHeaderBytes() {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxHeaderCount * maxHeaderLineBytes);
    }
}
