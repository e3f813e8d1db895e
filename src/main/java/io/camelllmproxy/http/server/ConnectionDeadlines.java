package io.camelllmproxy.http.server;

import io.camelllmproxy.error.OpenAiError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that holds the server without asking for anything: idle with no request in
 * progress for {@code idleTimeoutMillis} (just opened, or between keep-alive requests), or sending a
 * request head for longer than {@code requestHeadTimeoutMillis} from its first byte (slow-loris); the
 * latter is told a 408 first. While a request is being answered nothing here applies, so streams and
 * slow provider answers are left alone. One instance per connection; all its state is touched on the
 * connection's event loop only.
 */
final class ConnectionDeadlines {

    private final long idleNanos;
    private final long headNanos;
    private Channel channel;
    /** The context in front of the HTTP codec, where raw bytes go out unencoded. */
    private ChannelHandlerContext raw;
    /** Requests whose head has arrived and whose answer has not been written to its end. */
    private int inProgress;
    /** Whether a request's head has been decoded and its body has not yet arrived to its end. */
    private boolean receiving;
    private long waitingSince;
    /** When the first byte of the next request head arrived (the end of the last answer, if later); 0 while none has. */
    private long headStartedAt;
    private ScheduledFuture<?> check;
    private long checkAt;

    private ConnectionDeadlines(ServerLimits limits) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(limits.idleTimeoutMillis());
        this.headNanos = TimeUnit.MILLISECONDS.toNanos(limits.requestHeadTimeoutMillis());
    }

    /** Installs the deadlines on an HTTP/1.1 pipeline, around Vert.x's decoder and connection handler. */
    static void install(ChannelPipeline pipeline, ServerLimits limits) {
        ConnectionDeadlines deadlines = new ConnectionDeadlines(limits);
        pipeline.addBefore("httpDecoder", "requestBytes", deadlines.new Bytes());
        pipeline.addBefore("handler", "requestDeadlines", deadlines.new Messages());
    }

    private long deadline() {
        if (inProgress > 0) {
            return Long.MAX_VALUE;
        }
        return headStartedAt != 0 ? headStartedAt + headNanos : waitingSince + idleNanos;
    }

    private void reschedule() {
        long deadline = deadline();
        if (deadline == Long.MAX_VALUE || channel == null || (check != null && checkAt <= deadline)) {
            return; // a check due sooner recomputes the deadline when it runs
        }
        if (check != null) {
            check.cancel(false);
        }
        checkAt = deadline;
        check = channel.eventLoop().schedule(this::expire, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void expire() {
        check = null;
        long deadline = deadline();
        if (deadline == Long.MAX_VALUE || !channel.isActive()) {
            return;
        }
        if (System.nanoTime() < deadline) {
            reschedule();
        } else if (headStartedAt != 0) {
            // nothing has been answered on this connection since, so raw bytes cannot interleave with a response
            raw.writeAndFlush(requestTimeout()).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private static ByteBuf requestTimeout() {
        byte[] body = OpenAiError.of(408, OpenAiError.INVALID_REQUEST, "request_timeout",
                "The request head did not arrive in time (llm.server.request-head-timeout-ms)").toBytes();
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    /** Sees raw bytes before the decoder: the first byte of a head starts its deadline. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            raw = ctx;
            waitingSince = System.nanoTime();
            reschedule();
        }

        // Bytes between requests start a head, even while the last answer is still being written: its head and
        // body may be out (all a client with the length needs) before its end is written.
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!receiving && headStartedAt == 0 && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                headStartedAt = System.nanoTime();
                reschedule();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (check != null) {
                check.cancel(false);
                check = null;
            }
            ctx.fireChannelInactive();
        }
    }

    /** Sees decoded requests and the end of each answer, next to Vert.x's connection handler. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                inProgress++;
                headStartedAt = 0;
                receiving = true;
            }
            if (msg instanceof LastHttpContent) {
                receiving = false;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            // a 100 Continue is a complete message too, but the request it answers is still in progress
            boolean interim = msg instanceof HttpResponse head && head.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (msg instanceof LastHttpContent && !interim && inProgress > 0 && --inProgress == 0) {
                waitingSince = System.nanoTime();
                if (headStartedAt != 0) {
                    // a head begun before this end: its time runs from here
                    headStartedAt = waitingSince;
                }
                reschedule();
            }
            ctx.write(msg, promise);
        }
    }
}
