package io.camelllmproxy.http.server;

import io.camelllmproxy.error.OpenAiError;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a request the HTTP decoder could not read (oversized line or headers, malformed syntax,
 * ambiguous body length) with the OpenAI error shape instead of Vert.x's empty body, then closes the
 * connection, since its remaining bytes cannot be trusted to start a request. The messages never echo
 * what the client sent.
 */
final class InvalidRequests implements Handler<HttpServerRequest> {

    @Override
    public void handle(HttpServerRequest request) {
        OpenAiError error = errorFor(request.decoderResult().cause());
        HttpServerResponse response = request.response();
        response.setStatusCode(error.status())
                .putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(Buffer.buffer(error.toBytes()));
        response.close();
    }

    static OpenAiError errorFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return OpenAiError.of(414, OpenAiError.INVALID_REQUEST, "request_line_too_long",
                    "The request line is longer than the server accepts");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return OpenAiError.of(431, OpenAiError.INVALID_REQUEST, "request_headers_too_large",
                    "The request headers are larger than the server accepts (llm.server.max-header-bytes)");
        }
        if (cause instanceof StrictRequestDecoder.AmbiguousLengthException) {
            return OpenAiError.of(400, OpenAiError.INVALID_REQUEST, "ambiguous_request_length",
                    "The request has both Content-Length and Transfer-Encoding; send one of them");
        }
        return OpenAiError.of(400, OpenAiError.INVALID_REQUEST, "malformed_request", "The request is not valid HTTP/1.1");
    }
}
