package io.camelllmproxy.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Where the gateway may send a provider's requests. Cloud metadata endpoints (and all link-local
 * addresses, where they live) are never allowed: a provider URL pointing there would hand the
 * instance's cloud credentials to whoever can edit the registry. Loopback and private networks are
 * allowed unless configured off, because model servers usually sit on them.
 */
public final class UpstreamAddressPolicy {

    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
            "metadata.azure.internal", "metadata.platformequinix.com");

    private final boolean allowPrivateNetworks;

    public UpstreamAddressPolicy(boolean allowPrivateNetworks) {
        this.allowPrivateNetworks = allowPrivateNetworks;
    }

    /** Why {@code url} may not be a provider's base URL, or null when it may. Resolves the host to check. */
    public String problemWithUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http or https URL";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry credentials; put the key in api_key";
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return "must name a host";
        }
        String problem = problemWithHost(host);
        if (problem != null) {
            return problem;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(stripBrackets(host))) {
                problem = problemWithAddress(address);
                if (problem != null) {
                    return "resolves to " + address.getHostAddress() + ", which " + problem;
                }
            }
        } catch (UnknownHostException e) {
            // a name that does not resolve now may later; each connection is checked again when made
        }
        return null;
    }

    public String problemWithHost(String host) {
        String name = stripBrackets(host).toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (METADATA_HOSTS.contains(name)) {
            return "is a cloud metadata service, which is never allowed";
        }
        return null;
    }

    /** Why the gateway may not connect to {@code address}, or null when it may. */
    public String problemWithAddress(InetAddress address) {
        if (address.isLinkLocalAddress() || isMetadataAddress(address)) {
            return "is a link-local or cloud metadata address, never allowed";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "is not a unicast host address";
        }
        if (!allowPrivateNetworks && (address.isLoopbackAddress() || address.isSiteLocalAddress() || isUniqueLocal(address))) {
            return "is a loopback or private address, refused by llm.upstream.allow-private-networks=false";
        }
        return null;
    }

    private static boolean isMetadataAddress(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int a0 = b[0] & 0xff;
            int a1 = b[1] & 0xff;
            int a2 = b[2] & 0xff;
            int a3 = b[3] & 0xff;
            // Alibaba Cloud's metadata service and Azure's wire server sit outside link-local.
            return a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200 || a0 == 168 && a1 == 63 && a2 == 129 && a3 == 16;
        }
        // AWS's IPv6 metadata endpoint fd00:ec2::254
        return address instanceof Inet6Address && (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e
                && (b[3] & 0xff) == 0xc2 && b[15] == (byte) 0x54 && b[14] == 0x02 && allZero(b, 4, 14);
    }

    private static boolean isUniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
