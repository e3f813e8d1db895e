package io.camelllmproxy.http;

import io.camelllmproxy.error.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * Answers 415 to form and multipart bodies before they are read. Every endpoint takes JSON, and Camel's
 * platform-http body handler would otherwise parse such a body itself, storing multipart parts as files in
 * a {@code file-uploads} folder of the working directory even with {@code camel.server.fileUploadEnabled=false}
 * (it does not pass that setting on to Vert.x's body handler).
 */
final class FormBodyRefusal implements Handler<RoutingContext> {

    @Override
    public void handle(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).strip();
        if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/")) {
            ctx.next();
            return;
        }
        OpenAiError error = OpenAiError.of(415, OpenAiError.INVALID_REQUEST, "unsupported_media_type",
                "Content-Type must be application/json, not '" + contentType + "'");
        ctx.response().setStatusCode(error.status()).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(io.vertx.core.buffer.Buffer.buffer(error.toBytes()));
    }
}
