package io.camelllmproxy.upstream;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider that closes idle keep-alive connections does not turn the next request into a 502: the pool
 * checks a connection idle past the validation interval before lending it, and a request that meets a
 * close the check missed is sent again, once, on a new connection. A connection that ends after the
 * provider held the request past the retry window is not a stale one: that request is not sent again.
 */
class StaleConnectionRetryTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    /** 0: every pooled connection is checked before reuse; -1: never, so the resend alone must cover the close. */
    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void everyRequestAfterAnIdleCloseSucceeds(String validateAfterInactivityMs) throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     "sk-stale-resend", null, "{model_id: m, model_name: M}"),
                     // a window far beyond any stall of a loaded machine: this test is about the close, the window has its own
                     Map.of("llm.upstream.validate-after-inactivity-ms", validateAfterInactivityMs,
                             "llm.upstream.stale-retry-window-ms", "60000"))) {
            upstream.replyJson(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}");
            for (int i = 0; i < 6; i++) {
                assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT).statusCode(), "request " + i);
                // a resend goes through the client's credential step again: the key is on whichever copy arrived
                assertEquals("Bearer sk-stale-resend", upstream.take().header("Authorization"), "request " + i);
                assertTrue(upstream.closeIdleConnections() >= 1, "the provider closed the idle connection");
            }
            assertTrue(upstream.receivedNothing(), "no request reached the provider twice");
        }
    }

    /**
     * The provider reads the request, holds it well past the retry window (measured by the provider itself),
     * then resets or closes the connection, as a load balancer cutting a long generation does: the client
     * gets the error and the provider got the request once.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aConnectionLostAfterTheProviderHeldTheRequestIsNotResent(boolean reset) throws Exception {
        long windowMs = 200;
        try (HoldingProvider upstream = new HoldingProvider();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     null, null, "{model_id: m, model_name: M}"),
                     Map.of("llm.upstream.stale-retry-window-ms", String.valueOf(windowMs)))) {
            // a first answer makes the connection a reused one for the next request
            assertEquals(200, gateway.postJson("/v1/chat/completions", CHAT).statusCode());
            assertEquals(1, upstream.connections(), "one connection so far, which the held request will reuse");
            upstream.holdNext(reset);
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return gateway.postJson("/v1/chat/completions", CHAT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> upstream.heldMillis() > 5 * windowMs);
            upstream.release();

            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            assertEquals(502, response.statusCode(), response.body());
            assertEquals("upstream_connection_error",
                    Json.MAPPER.readTree(response.body()).get("error").get("code").asText(), response.body());
            assertEquals(2, upstream.requests(), "the held request reached the provider once, not again");
            assertEquals(1, upstream.connections(), "the held request went out on the reused connection");
        }
    }

    /**
     * A provider over a plain socket: answers each request with a small completion on a kept-alive
     * connection, except the one it was told to hold, which it keeps until released and then answers by
     * resetting (or closing) the connection.
     */
    private static final class HoldingProvider implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger requests = new AtomicInteger();
        private final CountDownLatch released = new CountDownLatch(1);
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile Boolean holdNextWithReset;
        private volatile long heldSinceNanos = -1;

        HoldingProvider() throws IOException {
            Thread acceptor = new Thread(this::accept, "holding-provider");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
        }

        void holdNext(boolean reset) {
            holdNextWithReset = reset;
        }

        /** How long the held request has been held, by the provider's clock; 0 before it arrived. */
        long heldMillis() {
            long since = heldSinceNanos;
            return since < 0 ? 0 : (System.nanoTime() - since) / 1_000_000;
        }

        void release() {
            released.countDown();
        }

        int connections() {
            return sockets.size();
        }

        int requests() {
            return requests.get();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    Thread connection = new Thread(() -> serve(socket), "holding-provider-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                while (readRequest(in)) {
                    requests.incrementAndGet();
                    Boolean reset = holdNextWithReset;
                    if (reset != null) {
                        holdNextWithReset = null;
                        heldSinceNanos = System.nanoTime();
                        released.await(60, TimeUnit.SECONDS);
                        if (reset) {
                            socket.setSoLinger(true, 0);
                        }
                        return;
                    }
                    byte[] body = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (Exception e) {
                // the gateway closed the connection
            }
        }

        /** Reads one request (head and Content-Length body); false at the end of the connection. */
        private static boolean readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                head.append((char) b);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            if (head.toString().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                throw new IOException("this fake reads Content-Length bodies only: " + head);
            }
            in.readNBytes(length);
            return true;
        }

        @Override
        public void close() throws IOException {
            released.countDown();
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
