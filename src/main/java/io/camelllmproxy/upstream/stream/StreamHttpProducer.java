package io.camelllmproxy.upstream.stream;

import io.camelllmproxy.http.AdmissionControl;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

import java.nio.charset.StandardCharsets;

/**
 * Calls the provider without holding a thread: reads the call from the message ({@code llm-upstream-call-preparer}'s
 * URL, method, headers and body), resolves and checks the provider's address on the calling thread (blocking DNS
 * stays off the event loop), then sends on the Vert.x context current on that thread (under the gateway's workers,
 * the client request's own event loop) and completes the exchange from there when the response head arrives.
 */
final class StreamHttpProducer extends DefaultAsyncProducer {

    private final StreamHttpComponent component;
    private volatile ContextInternal fallback;

    StreamHttpProducer(StreamHttpEndpoint endpoint, StreamHttpComponent component) {
        super(endpoint);
        this.component = component;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            Message message = exchange.getMessage();
            String url = message.getHeader(Exchange.HTTP_URI, String.class);
            if (url == null) {
                throw new IllegalArgumentException("no " + Exchange.HTTP_URI + " header: llm-upstream-call-preparer sets it");
            }
            HttpMethod method = method(message.getHeader(Exchange.HTTP_METHOD));
            MultiMap headers = OutboundHeaders.of(message, component.credentials());
            Buffer body = body(message.getBody());
            ContextInternal context = callingContext();
            AdmissionControl.RequestContext request = exchange.getProperty(AdmissionControl.RequestContext.PROPERTY,
                    AdmissionControl.RequestContext.class);
            if (Context.isOnEventLoopThread()) {
                // called from an event loop (after an asynchronous step): the DNS lookup goes to a worker
                context.executeBlocking(() -> UpstreamTarget.resolve(url, component.policy()), false)
                        .onComplete(ar -> {
                            if (ar.failed()) {
                                exchange.setException(ar.cause());
                                callback.done(false);
                            } else {
                                try {
                                    call(exchange, callback, context, ar.result(), method, headers, body, request);
                                } catch (RuntimeException e) {
                                    // thrown here it would be lost on the event loop, and the exchange never done
                                    exchange.setException(e);
                                    callback.done(false);
                                }
                            }
                        });
            } else {
                call(exchange, callback, context, UpstreamTarget.resolve(url, component.policy()), method, headers, body,
                        request);
            }
            return false;
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }

    private void call(Exchange exchange, AsyncCallback callback, ContextInternal context, UpstreamTarget target,
                      HttpMethod method, MultiMap headers, Buffer body, AdmissionControl.RequestContext request) {
        RequestOptions options = target.options(method).setHeaders(headers)
                // the wait for a free pooled connection, beyond which the pool counts as exhausted (TCP's own connect
                // timeout, shorter, fails first when the provider does not answer the connect)
                .setConnectTimeout(component.settings().poolTimeoutMillis() + component.settings().connectTimeoutMillis());
        new StreamCall(exchange, callback, component.clients(), context, options, body, component.settings(),
                component.resend()).start(request);
    }

    /** The calling thread's context; the gateway's Vert.x when there is none (a timer, a test, an in-JVM caller). */
    private ContextInternal callingContext() {
        Context current = Vertx.currentContext();
        if (current instanceof ContextInternal internal) {
            return internal;
        }
        Vertx vertx = component.vertx().get();
        if (!(vertx instanceof VertxInternal internal)) {
            throw new IllegalStateException("no Vert.x to call the provider with: the gateway's HTTP server has not started");
        }
        // one context for every such call, so they share one event loop and its pooled connections
        ContextInternal shared = fallback;
        if (shared == null || shared.owner() != internal) {
            shared = internal.createEventLoopContext();
            fallback = shared;
        }
        return shared;
    }

    private static HttpMethod method(Object header) {
        if (header == null) {
            return HttpMethod.POST;
        }
        // camel-http's enum or its name
        return HttpMethod.valueOf(header instanceof Enum<?> e ? e.name() : header.toString());
    }

    private static Buffer body(Object body) {
        if (body == null) {
            return Buffer.buffer();
        }
        if (body instanceof byte[] bytes) {
            return Buffer.buffer(bytes);
        }
        if (body instanceof Buffer buffer) {
            return buffer;
        }
        // provider requests are JSON, which is UTF-8
        return Buffer.buffer(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
