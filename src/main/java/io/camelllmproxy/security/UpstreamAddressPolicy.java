package io.camelllmproxy.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where the gateway may send a provider's requests. Cloud metadata endpoints (and all link-local
 * addresses, where they live) are never allowed: a provider URL pointing there would hand the
 * instance's cloud credentials to whoever can edit the registry. Loopback and private networks
 * (carrier-grade NAT and the benchmark range included) are allowed unless configured off, because model
 * servers usually sit on them.
 * <p>
 * An IPv4 address can also be reached through IPv6 forms that embed it (IPv4-mapped, -compatible and
 * -translated, NAT64, 6to4, Teredo) and through the decimal, octal and hex spellings resolvers accept, so
 * each of those is decoded and judged as the IPv4 address it reaches.
 */
public final class UpstreamAddressPolicy {

    /** How host names become addresses; the system resolver in production, a scripted one in tests. */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
            "metadata.azure.internal", "metadata.platformequinix.com");

    private static final String NOT_UNICAST = "is not a unicast host address";

    private final boolean allowPrivateNetworks;
    private final HostResolver resolver;

    public UpstreamAddressPolicy(boolean allowPrivateNetworks) {
        this(allowPrivateNetworks, InetAddress::getAllByName);
    }

    public UpstreamAddressPolicy(boolean allowPrivateNetworks, HostResolver resolver) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
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
            allowedAddresses(host);
        } catch (ForbiddenAddressException e) {
            return "resolves to " + e.address() + ", which " + e.reason();
        } catch (UnknownHostException e) {
            // a name that does not resolve now may later; each connection is checked again when made
        }
        return null;
    }

    /**
     * The addresses {@code host} resolves to, when every one of them may be connected to. The connection
     * pool and the health check connect only to addresses this returned, so what was checked is what is used.
     */
    public InetAddress[] allowedAddresses(String host) throws UnknownHostException {
        String problem = problemWithHost(host);
        if (problem != null) {
            throw new ForbiddenAddressException(host, stripBrackets(host), problem);
        }
        InetAddress[] addresses = resolver.resolve(stripBrackets(host));
        for (InetAddress address : addresses) {
            problem = problemWithAddress(address);
            if (problem != null) {
                throw new ForbiddenAddressException(host, address.getHostAddress(), problem);
            }
        }
        return addresses;
    }

    /** Why {@code host} as written may not be used: a metadata name, or a numeric form of a forbidden address. */
    public String problemWithHost(String host) {
        String name = stripBrackets(host).toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (METADATA_HOSTS.contains(name)) {
            return "is a cloud metadata service, which is never allowed";
        }
        byte[] numeric = NumericIpv4.parse(name);
        if (numeric != null) {
            try {
                return problemWithAddress(InetAddress.getByAddress(numeric));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an address", e);
            }
        }
        return null;
    }

    /** Why the gateway may not connect to {@code address}, or null when it may. */
    public String problemWithAddress(InetAddress address) {
        String problem = problemWithOne(address);
        if (problem != null) {
            return problem;
        }
        for (byte[] embedded : embeddedIpv4(address.getAddress())) {
            problem = problemWithIpv4(embedded);
            // 0.x and multicast candidates are what an ordinary address decodes to at an unused position
            if (problem != null && !problem.equals(NOT_UNICAST)) {
                return "embeds an IPv4 address that " + problem;
            }
        }
        return null;
    }

    private String problemWithOne(InetAddress address) {
        if (address instanceof Inet4Address) {
            return problemWithIpv4(address.getAddress());
        }
        byte[] b = address.getAddress();
        if (address.isLinkLocalAddress() || isAwsIpv6Metadata(b)) {
            return "is a link-local or cloud metadata address, never allowed";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "is not a unicast host address";
        }
        boolean localNat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && b[4] == 0 && b[5] == 1;
        if (!allowPrivateNetworks && (address.isLoopbackAddress() || address.isSiteLocalAddress()
                || (b[0] & 0xfe) == 0xfc || localNat64)) {
            return "is a loopback or private address, refused by llm.upstream.allow-private-networks=false";
        }
        return null;
    }

    private String problemWithIpv4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        // Alibaba Cloud's metadata service and Azure's wire server sit outside link-local.
        if (a0 == 169 && a1 == 254 || a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200
                || a0 == 168 && a1 == 63 && a2 == 129 && a3 == 16) {
            return "is a link-local or cloud metadata address, never allowed";
        }
        if (a0 == 0 || a0 >= 224) {
            return NOT_UNICAST;
        }
        boolean privateRange = a0 == 127 || a0 == 10 || a0 == 172 && (a1 & 0xf0) == 16 || a0 == 192 && a1 == 168
                // carrier-grade NAT (RFC 6598) and the benchmarking range (RFC 2544) are private networks too
                || a0 == 100 && (a1 & 0xc0) == 64 || a0 == 198 && (a1 & 0xfe) == 18;
        if (!allowPrivateNetworks && privateRange) {
            return "is a loopback or private address, refused by llm.upstream.allow-private-networks=false";
        }
        return null;
    }

    /** Every IPv4 address an IPv6 address routes to by a standard embedding, candidates included. */
    static List<byte[]> embeddedIpv4(byte[] b) {
        List<byte[]> out = new ArrayList<>(2);
        if (b.length != 16) {
            return out;
        }
        int w0 = word(b, 0);
        int w1 = word(b, 2);
        // (::1 and :: are not IPv4-compatible forms: the first byte of an embedded address is never 0)
        if (allZero(b, 0, 10) && (word(b, 10) == 0xffff || word(b, 10) == 0 && b[12] != 0)
                || allZero(b, 0, 8) && word(b, 8) == 0xffff && word(b, 10) == 0) {
            // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d
            out.add(slice(b, 12, 13, 14, 15));
        } else if (w0 == 0x64 && w1 == 0xff9b && allZero(b, 4, 12)) {
            out.add(slice(b, 12, 13, 14, 15)); // NAT64 well-known prefix 64:ff9b::/96
        } else if (w0 == 0x64 && w1 == 0xff9b && word(b, 4) == 1) {
            // local-use NAT64 64:ff9b:1::/48: the operator picks the prefix length, so every RFC 6052 position counts
            out.add(slice(b, 6, 7, 9, 10));
            out.add(slice(b, 7, 9, 10, 11));
            out.add(slice(b, 9, 10, 11, 12));
            out.add(slice(b, 12, 13, 14, 15));
        } else if (w0 == 0x2002) {
            out.add(slice(b, 2, 3, 4, 5)); // 6to4 2002:a.b.c.d::/48
        } else if (w0 == 0x2001 && w1 == 0) {
            // Teredo 2001::/32: the client's address sits in the last 32 bits, inverted
            byte[] client = slice(b, 12, 13, 14, 15);
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~client[i];
            }
            out.add(client);
            out.add(slice(b, 4, 5, 6, 7));
        }
        return out;
    }

    private static boolean isAwsIpv6Metadata(byte[] b) {
        // AWS's IPv6 metadata endpoint fd00:ec2::254
        return b.length == 16 && (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e
                && (b[3] & 0xff) == 0xc2 && b[15] == (byte) 0x54 && b[14] == 0x02 && allZero(b, 4, 14);
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static byte[] slice(byte[] b, int i0, int i1, int i2, int i3) {
        return new byte[] {b[i0], b[i1], b[i2], b[i3]};
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
