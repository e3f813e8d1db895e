package io.camelllmproxy.security;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * HttpClient's name resolution with the {@link UpstreamAddressPolicy} applied: the addresses it hands over
 * are the ones that were checked, so a DNS answer that changes between a check and the connection (DNS
 * rebinding) cannot point a provider call, or a health check, at a forbidden address.
 */
public final class PolicyDnsResolver implements DnsResolver {

    private final UpstreamAddressPolicy policy;

    public PolicyDnsResolver(UpstreamAddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return policy.allowedAddresses(host);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }
}
