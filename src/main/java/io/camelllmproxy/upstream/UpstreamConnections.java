package io.camelllmproxy.upstream;

import io.camelllmproxy.security.PolicyDnsResolver;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * The connection pool every provider call goes through. Its resolver applies the
 * {@link UpstreamAddressPolicy} to every address it connects to, so a registry entry (or a DNS answer
 * that changed since it was written) cannot point a request at a cloud metadata service. The provider
 * health check connects through it too. A connection idle for longer than the validation interval is
 * checked before it is lent again, so one the provider closed meanwhile is replaced rather than failing the
 * request ({@link StaleConnectionRetry} covers the close that races the send). Its connections never log
 * what they carry ({@link QuietConnection}).
 */
public final class UpstreamConnections {

    private UpstreamConnections() {
    }

    public static PoolingHttpClientConnectionManager create(UpstreamAddressPolicy policy, int maxTotal, int maxPerHost,
                                                            long connectTimeoutMillis, long readTimeoutMillis,
                                                            int maxHeaderCount, int maxHeaderLineBytes,
                                                            long validateAfterInactivityMillis) {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new PolicyDnsResolver(policy))
                // connections that never log headers or bytes (the provider key is among them); the config bounds
                // what a provider's response head may hold, beyond it MessageConstraintException (502)
                .setConnectionFactory(QuietConnection.factory(Http1Config.custom().setMaxHeaderCount(maxHeaderCount)
                        .setMaxLineLength(maxHeaderLineBytes).build()))
                .setMaxConnTotal(maxTotal)
                .setMaxConnPerRoute(maxPerHost)
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(Timeout.ofMilliseconds(readTimeoutMillis)).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMillis))
                        .setSocketTimeout(Timeout.ofMilliseconds(readTimeoutMillis))
                        .setTimeToLive(10, TimeUnit.MINUTES)
                        // a provider may close a keep-alive connection while it sits in the pool: check before reuse
                        .setValidateAfterInactivity(TimeValue.ofMilliseconds(validateAfterInactivityMillis))
                        .build())
                .build();
    }
}
