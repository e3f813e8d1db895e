package io.camelllmproxy.transform;

import java.util.Map;

/**
 * The call to make upstream, without credentials: the gateway's HTTP client adds the provider key as it
 * writes the request ({@link WireTransformer#credentialScheme()}), so this record may sit on an exchange.
 */
public record UpstreamRequest(String url, Map<String, String> headers, byte[] body) {

    @Override
    public String toString() {
        return "UpstreamRequest[POST " + url + ", " + body.length + " bytes]";
    }
}
