package io.camelllmproxy.embed;

import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway serves on the host's Vert.x as the host made it, and its streams (each holding a thread while it
 * relays) do not take the host's worker threads: with a pool of two, six streams are open at once and the host's
 * own routes, which run on that pool, still answer.
 */
class HostWorkerPoolTest {

    static final int HOST_WORKERS = 2;
    static final int STREAMS = 6;
    static final String CHUNK = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}";
    static final String STREAM = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void moreStreamsThanTheHostHasWorkersAreServedOnTheHostsVertx() throws Exception {
        Vertx hostVertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(HOST_WORKERS));
        try (FakeUpstream upstream = new FakeUpstream();
             CamelHost host = CamelHost.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), "sk-pool-test",
                     null, "{model_id: m, model_name: M}"), Map.of(), Map.of("hostVertx", hostVertx))) {
            assertSame(hostVertx, router(host).vertx(), "the server is the host's, on the host's Vert.x");
            assertEquals(Set.of(hostVertx), Set.copyOf(host.camelContext().getRegistry().findByType(Vertx.class)),
                    "the gateway binds no Vert.x of its own");

            // each stream sends its first event at once and every further one only when the test steps it
            upstream.reply(new FakeUpstream.Stepped(List.of(CHUNK, CHUNK, "[DONE]"), 0));
            List<Socket> sockets = new ArrayList<>();
            List<BufferedReader> readers = new ArrayList<>();
            try {
                for (int i = 0; i < STREAMS; i++) {
                    Socket socket = stream(host);
                    sockets.add(socket);
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                    readers.add(in);
                    assertEquals("HTTP/1.1 200 OK", in.readLine(), "stream " + i + " is admitted while the others stream");
                    assertTrue(readUntil(in, "data: {").startsWith("data: {"), "stream " + i + " is under way");
                }
                // all six are open and waiting on their provider: the host's pool of two is free for the host
                assertEquals("hello from the host", host.send("GET", "/hello", null, null).body());

                for (int i = 0; i < 2 * STREAMS; i++) {
                    upstream.step();
                }
                for (BufferedReader in : readers) {
                    assertEquals("data: [DONE]", readUntil(in, "data: ["), "every stream ran to its end");
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        } finally {
            hostVertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** A streamed chat request over HTTP/1.1; the socket is left open for the answer. */
    private static Socket stream(CamelHost host) throws Exception {
        Socket socket = new Socket("127.0.0.1", host.port());
        // a stream stuck behind busy workers fails the test instead of hanging it
        socket.setSoTimeout(60_000);
        byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + CamelHost.CONTEXT_PATH + "/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nAuthorization: Bearer " + GatewayHarness.ADMIN_TOKEN + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    /** The first line starting with {@code prefix}; fails when the connection ends first. */
    private static String readUntil(BufferedReader in, String prefix) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the connection ended before a line starting with " + prefix);
    }

    private static VertxPlatformHttpRouter router(CamelHost host) {
        return VertxPlatformHttpRouter.lookup(host.camelContext(), VertxPlatformHttpRouter.getRouterNameFromPort(host.port()));
    }
}
