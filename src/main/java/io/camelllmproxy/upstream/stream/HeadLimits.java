package io.camelllmproxy.upstream.stream;

import io.vertx.core.http.HttpClientResponse;
import org.apache.hc.core5.http.MessageConstraintException;

import java.util.Map;

/**
 * camel-http's bounds on a provider's response head ({@code llm.upstream.max-header-count},
 * {@code llm.upstream.max-header-line-bytes}) for the streaming client. Netty bounds only the status line and the
 * head as a whole (set to every header at its longest line); the count and each line are checked here, so a head
 * refused by one client is refused by the other, as the same 502.
 */
final class HeadLimits {

    private HeadLimits() {
    }

    static void check(HttpClientResponse response, StreamHttpSettings settings) throws MessageConstraintException {
        int count = 0;
        for (Map.Entry<String, String> header : response.headers()) {
            if (++count > settings.maxHeaderCount()) {
                throw new MessageConstraintException("Maximum header count exceeded");
            }
            // the line as it came: "name: value"
            if (header.getKey().length() + 2 + header.getValue().length() > settings.maxHeaderLineBytes()) {
                throw new MessageConstraintException("Maximum line length limit exceeded");
            }
        }
    }
}
