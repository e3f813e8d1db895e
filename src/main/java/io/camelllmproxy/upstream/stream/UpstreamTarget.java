package io.camelllmproxy.upstream.stream;

import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where a call goes: the URL's host resolved under the {@link UpstreamAddressPolicy} (as {@code PolicyDnsResolver}
 * does for camel-http), and the connection made to the approved address itself, so a DNS answer that changes
 * after the check cannot redirect it. The URL's host stays the Host header, the TLS server name and the name the
 * certificate is verified against.
 */
record UpstreamTarget(boolean ssl, String host, int port, String uri, SocketAddress server) {

    /** Resolves {@code url}'s host (blocking: DNS) and checks every address it has. */
    static UpstreamTarget resolve(String url, UpstreamAddressPolicy policy) throws UnknownHostException {
        URI parsed = URI.create(url);
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("the provider URL must be http or https");
        }
        String host = parsed.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the provider URL names no host");
        }
        boolean ssl = scheme.equals("https");
        int port = parsed.getPort() >= 0 ? parsed.getPort() : ssl ? 443 : 80;
        String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
        String uri = parsed.getRawQuery() == null ? path : path + "?" + parsed.getRawQuery();
        InetAddress[] addresses = policy.allowedAddresses(host);
        // a resolved address: Vert.x connects to it as it is, without resolving the name again
        SocketAddress server = SocketAddress.inetSocketAddress(new InetSocketAddress(addresses[0], port));
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new UpstreamTarget(ssl, bare, port, uri, server);
    }

    /** The Vert.x request to this target; never follows a redirect. */
    RequestOptions options(HttpMethod method) {
        return new RequestOptions().setMethod(method).setServer(server).setHost(host).setPort(port).setSsl(ssl)
                .setURI(uri).setFollowRedirects(false);
    }

    @Override
    public String toString() {
        // the address is for the gateway's own eyes only; no URL in what may reach a log line shown to clients
        return "UpstreamTarget[" + (ssl ? "https" : "http") + "]";
    }
}
