package io.camelllmproxy.http.server;

import io.camelllmproxy.config.Settings;
import io.vertx.core.http.HttpServerOptions;

/**
 * Bounds on what a client connection may hold before it asks for something: how long it may stay open
 * with no request in progress, how long a request head may take to arrive once it has begun, and how
 * large that head may be. Once a head has arrived none of them applies, so a stream or a slow provider
 * answer is never cut by them (the upstream read timeout and the client stall timeout govern those).
 */
public record ServerLimits(long idleTimeoutMillis, long requestHeadTimeoutMillis, int maxHeaderBytes) {

    public static ServerLimits from(Settings settings) {
        return new ServerLimits(settings.longValue("llm.server.idle-timeout-ms", 60_000),
                settings.longValue("llm.server.request-head-timeout-ms", 10_000),
                settings.integer("llm.server.max-header-bytes", HttpServerOptions.DEFAULT_MAX_HEADER_SIZE));
    }

    /** The options the gateway's HTTP server is created with, from Camel's (which carry TLS settings). */
    public HttpServerOptions apply(HttpServerOptions options) {
        return new HttpServerOptions(options)
                // HTTP/2 over clear text is not served: nothing in front of the gateway needs it, and its
                // framing would bypass the HTTP/1.1 request checks and deadlines installed per connection.
                .setHttp2ClearTextEnabled(false)
                .setMaxHeaderSize(maxHeaderBytes)
                // Vert.x's idle timeout would also cut a request waiting minutes for a provider's answer;
                // ConnectionDeadlines applies the idle bound only between requests instead.
                .setIdleTimeout(0);
    }
}
