package io.camelllmproxy.upstream;

import io.camelllmproxy.events.RequestRecords;
import io.camelllmproxy.security.ProviderCredential;
import org.apache.camel.Message;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The upstream response headers a client may see. Everything else (hop-by-hop headers, cookies, the
 * provider's organisation and account headers) stays at the gateway. The provider's own {@code x-request-id} is
 * passed on as {@value #PROVIDER_REQUEST_ID}: {@code x-request-id} is the gateway's (RequestIds).
 */
public final class UpstreamHeaders {

    /** The header the provider's own request id reaches the client in. */
    public static final String PROVIDER_REQUEST_ID = "x-provider-request-id";
    private static final String RATE_LIMIT_PREFIX = "x-ratelimit-";
    private static final java.util.Set<String> RELAYED = java.util.Set.of(
            "retry-after", "retry-after-ms", "openai-processing-ms");

    private UpstreamHeaders() {
    }

    /** The relayed headers, their values with the provider key masked (an upstream may echo it in any of them). */
    public static Map<String, String> relayed(Message message, ProviderCredential credential) {
        Map<String, String> out = new LinkedHashMap<>();
        // the id the gateway sent stays among the message's headers when the provider answered none of its own
        String sent = message.getExchange() == null ? null : RequestRecords.requestId(message.getExchange());
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if ((RELAYED.contains(name) || name.startsWith(RATE_LIMIT_PREFIX)) && header.getValue() != null) {
                out.put(name, credential.mask(header.getValue().toString()));
            } else if (name.equals("x-request-id") && header.getValue() != null && !header.getValue().toString().equals(sent)) {
                out.put(PROVIDER_REQUEST_ID, credential.mask(header.getValue().toString()));
            }
        }
        return out;
    }
}
