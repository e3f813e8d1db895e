package io.camelllmproxy.http.server;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.camelllmproxy.http.server.ServerHardeningTest.errorBody;
import static io.camelllmproxy.http.server.ServerHardeningTest.readUntilClosed;
import static io.camelllmproxy.http.server.ServerHardeningTest.status;
import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * With {@code llm.server.event-loops} at 3, the standalone's connections are served on three event loops, and
 * every one of them applies the server's settings: the h2c upgrade declined, the strict request decoder, the
 * header size limit and both connection deadlines; clients at once each get their whole stream. Which loop served a connection is seen by a handler this test
 * puts first on the server's router, keyed by the client's port.
 */
class ServerEventLoopsTest {

    static final int EVENT_LOOPS = 3;
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static int port;
    /** The thread that handled each request, by the client's port; a connection's requests share one port. */
    static final Map<Integer, String> servedOn = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), "sk-p", null,
                        "{model_id: m, model_name: M}"),
                Map.of("llm.server.event-loops", String.valueOf(EVENT_LOOPS), "llm.server.idle-timeout-ms", "1500",
                        "llm.server.request-head-timeout-ms", "700", "llm.stream.heartbeat-ms", "300"));
        port = URI.create(gateway.url("/")).getPort();
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(gateway.camelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            servedOn.put(ctx.request().remoteAddress().port(), Thread.currentThread().getName());
            ctx.next();
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    /** What each connection is made to do once its first request has shown which loop serves it. */
    enum Check { H2C_UPGRADE, AMBIGUOUS_LENGTH, OVERSIZED_HEADERS, SLOW_HEAD, IDLE }

    @Test
    void everyEventLoopAppliesTheServerSettings() throws Exception {
        Map<Check, Set<String>> checkedOn = new EnumMap<>(Check.class);
        Set<String> loops = new HashSet<>();
        for (Check check : Check.values()) {
            Set<String> on = new HashSet<>();
            checkedOn.put(check, on);
            // Vert.x hands connections to the loops in turn: a few rounds reach each of them
            for (int attempt = 0; attempt < EVENT_LOOPS * 10 && on.size() < EVENT_LOOPS; attempt++) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    String loop = servedBy(socket, check == Check.H2C_UPGRADE);
                    loops.add(loop);
                    check(check, socket);
                    on.add(loop);
                }
            }
        }
        assertEquals(EVENT_LOOPS, loops.size(), "connections served on " + loops);
        loops.forEach(loop -> assertTrue(loop.startsWith("vert.x-eventloop-thread-"), loop));
        checkedOn.forEach((check, on) -> assertEquals(loops, on, check + " seen on every loop"));
    }

    @Test
    void clientsAtOnceAreServedOnSeveralLoopsAndEachGetsItsWholeStream() throws Exception {
        List<String> events = new ArrayList<>(IntStream.range(0, 3).mapToObj(i -> "{\"id\":\"c\",\"object\":"
                + "\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + i + "\"}}]}").toList());
        events.add("[DONE]");
        upstream.replySse(events, 20);
        String stream = CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"");
        int clients = EVENT_LOOPS * 4;
        servedOn.clear();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            // a client of its own for each, so each request comes on a connection of its own
            answers.add(HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(stream)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            List<String> data = response.body().lines().filter(line -> line.startsWith("data: ")).toList();
            assertEquals(4, data.size(), response.body());
            assertEquals("data: [DONE]", data.get(3), response.body());
            for (int i = 0; i < 3; i++) {
                assertTrue(data.get(i).contains("\"t" + i + "\""), response.body());
            }
        }
        assertEquals(clients, servedOn.size(), "one connection per client: " + servedOn);
        Set<String> loops = new HashSet<>(servedOn.values());
        assertEquals(EVENT_LOOPS, loops.size(), "requests from " + clients + " clients at once served on " + loops);
    }

    /**
     * Sends a first request on a fresh connection, asking for h2c if told to, and reads its HTTP/1.1 answer (the
     * upgrade declined); returns the loop that served it.
     */
    static String servedBy(Socket socket, boolean askForH2c) throws Exception {
        socket.setSoTimeout(60_000);
        send(socket, "GET /health HTTP/1.1\r\nHost: x\r\n" + (askForH2c ? "Connection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n" : "") + "\r\n");
        String response = ServerHardeningTest.readResponse(socket.getInputStream());
        assertTrue(response.startsWith("HTTP/1.1 200 "), "an HTTP/1.1 answer: " + response);
        String loop = servedOn.get(socket.getLocalPort());
        if (loop == null) {
            fail("no loop recorded for the connection from port " + socket.getLocalPort());
        }
        return loop;
    }

    static void check(Check check, Socket socket) throws Exception {
        switch (check) {
            case H2C_UPGRADE -> {
                // declined by the first answer (servedBy); nothing more to ask
            }
            case AMBIGUOUS_LENGTH -> {
                send(socket, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + CHAT.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(CHAT.length()) + "\r\n" + CHAT + "\r\n0\r\n\r\n");
                String response = readUntilClosed(socket);
                assertEquals(400, status(response), response);
                assertEquals("ambiguous_request_length", errorBody(response).get("code").asText());
            }
            case OVERSIZED_HEADERS -> {
                send(socket, "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
                String response = readUntilClosed(socket);
                assertEquals(431, status(response), response);
                assertEquals("request_headers_too_large", errorBody(response).get("code").asText());
            }
            case SLOW_HEAD -> {
                send(socket, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                String response = readUntilClosed(socket);
                assertEquals(408, status(response), response);
                assertEquals("request_timeout", errorBody(response).get("code").asText());
            }
            case IDLE -> assertEquals("", readUntilClosed(socket), "closed once idle, without an answer");
        }
    }

    static void send(Socket socket, String raw) throws Exception {
        socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }
}
