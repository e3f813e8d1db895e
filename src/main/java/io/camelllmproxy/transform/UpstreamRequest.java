package io.camelllmproxy.transform;

import java.util.Map;

/** The call to make upstream. Headers may hold credentials, so they are never part of {@link #toString()}. */
public record UpstreamRequest(String url, Map<String, String> headers, byte[] body) {

    @Override
    public String toString() {
        return "UpstreamRequest[POST " + url + ", " + body.length + " bytes]";
    }
}
