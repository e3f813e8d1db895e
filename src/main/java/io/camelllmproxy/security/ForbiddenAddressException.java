package io.camelllmproxy.security;

import java.net.UnknownHostException;

/**
 * A provider host resolved to an address the {@link UpstreamAddressPolicy} forbids. It is an
 * {@link UnknownHostException} so HttpClient treats it as a failed resolution and never connects; {@link #reason()}
 * says why without naming the address, so it can be shown to clients.
 */
public class ForbiddenAddressException extends UnknownHostException {

    private final String address;
    private final String reason;

    public ForbiddenAddressException(String host, String address, String reason) {
        super(host + " resolves to " + address + ", which " + reason);
        this.address = address;
        this.reason = reason;
    }

    /** The refused address, for admin-facing messages and logs only. */
    public String address() {
        return address;
    }

    /** Why the address is refused, e.g. "is a link-local or cloud metadata address, never allowed". */
    public String reason() {
        return reason;
    }
}
