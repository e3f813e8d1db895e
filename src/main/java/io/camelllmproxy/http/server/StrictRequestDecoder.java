package io.camelllmproxy.http.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's request decoder, refusing a request that carries both Content-Length and Transfer-Encoding.
 * Netty would drop Content-Length and read the body as chunked; a proxy in front that reads it by length
 * would then see other request boundaries than the gateway (request smuggling), so neither is trusted.
 * The refusal travels as a decoder failure, answered by {@link InvalidRequests}, and the connection closes.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

    /** The decoder failure that marks such a request. */
    static final class AmbiguousLengthException extends IllegalArgumentException {
        AmbiguousLengthException() {
            super("both Content-Length and Transfer-Encoding are set");
        }
    }

    StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    // Netty calls this once the headers are read and before it decides how to read the body; an exception
    // here makes the request invalid.
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
        if (message != null && message.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                && message.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            throw new AmbiguousLengthException();
        }
        return super.isContentAlwaysEmpty(message);
    }
}
