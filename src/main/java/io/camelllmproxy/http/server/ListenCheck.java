package io.camelllmproxy.http.server;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.VetoCamelContextStartException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;

/**
 * Makes a port that cannot be bound stop the start. Camel's platform-http server logs the failure and
 * rethrows it on the event loop, where nobody waits for it, and the gateway would report itself started
 * with no socket. The outcome is recorded here and vetoes the start; the application then prints
 * {@link #failure()} as its one line and exits non-zero.
 */
public final class ListenCheck implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(ListenCheck.class);

    private volatile String failure;

    /** Wraps Camel's listen callback: records the outcome, and keeps Camel's rethrow of a failure off the event loop. */
    Handler<AsyncResult<HttpServer>> watch(String host, int port, Handler<AsyncResult<HttpServer>> camel) {
        return result -> {
            if (result.succeeded()) {
                LOG.info("Listening on {}:{}", host, result.result().actualPort());
            } else {
                failure = describe(host, port, result.cause());
            }
            try {
                camel.handle(result);
            } catch (RuntimeException e) {
                if (result.succeeded()) {
                    throw e;
                }
                // the failure is reported by onCamelContextStarted, once, without a stack trace
            }
        };
    }

    public static String describe(String host, int port, Throwable cause) {
        if (cause instanceof BindException) {
            return "port " + port + " is already in use (camel.server.port, on " + host + "); stop the other process "
                    + "or choose another port";
        }
        return "cannot listen on port " + port + " (" + host + "): " + cause.getMessage();
    }

    /** Why the server could not listen; null when it does (or has not tried yet). */
    public String failure() {
        return failure;
    }

    // A veto stops the start without Camel's ERROR and stack trace; the application prints failure() once.
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws VetoCamelContextStartException {
        if (failure != null) {
            // Camel logs the veto's message; the port is named once, in the line the application prints
            throw new VetoCamelContextStartException("the HTTP server could not listen", context, false);
        }
    }
}
