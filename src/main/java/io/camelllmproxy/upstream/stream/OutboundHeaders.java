package io.camelllmproxy.upstream.stream;

import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.upstream.UpstreamCredentials;
import io.vertx.core.MultiMap;
import org.apache.camel.Message;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The headers a call sends: the message's own, as {@code llm-upstream-call-preparer} set them, without Camel's
 * and without those the connection itself owns (what camel-http's header filter leaves out), and the provider key
 * in place of {@link UpstreamCredentials#REFERENCE}. The key is resolved here, inside the producer, exactly as
 * {@link UpstreamCredentials} does for camel-http: it goes into the request's header map and nowhere else.
 */
final class OutboundHeaders {

    /** Owned by the connection, or meaningless on a request: never copied from the message. */
    private static final Set<String> CONNECTION_HEADERS = Set.of("content-length", "host", "connection", "keep-alive",
            "transfer-encoding", "upgrade", "te", "trailer", "proxy-connection", "via", "expect", "date", "pragma",
            "cache-control", "warning");

    private OutboundHeaders() {
    }

    /** The headers for {@code message}'s call; {@code credentials} gives a provider's key by its row id. */
    static MultiMap of(Message message, Function<String, ProviderCredential> credentials) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        String reference = null;
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            String name = header.getKey();
            Object value = header.getValue();
            if (name.equalsIgnoreCase(UpstreamCredentials.REFERENCE)) {
                reference = value == null ? null : value.toString();
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (value == null || lower.startsWith("camel") || lower.startsWith("org.apache.camel")
                    || CONNECTION_HEADERS.contains(lower)) {
                continue;
            }
            if (value instanceof Iterable<?> values) {
                values.forEach(v -> headers.add(name, String.valueOf(v)));
            } else {
                headers.add(name, value.toString());
            }
        }
        if (reference != null) {
            UpstreamCredentials.Resolved resolved = UpstreamCredentials.resolve(reference, credentials);
            resolved.scheme().apply(headers, resolved.credential());
        }
        return headers;
    }
}
