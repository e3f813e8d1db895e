package io.camelllmproxy.http;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.upstream.SharedConnectionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that leaves stops its provider call at once, at every stage, and its admission slot comes back;
 * leaving is a normal event: one INFO line, no error counted.
 */
class ClientDisconnectTest {

    private static final String CHAT = "{\"model\":\"m\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private FakeUpstream upstream;
    private GatewayHarness gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), null, null,
                "{model_id: m, model_name: M}"), Map.of(
                "llm.server.max-concurrent-requests", "2",
                "llm.upstream.max-connections-per-host", "1",
                "llm.upstream.pool-timeout-ms", "120000"));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void leavingWhileTheProviderThinksClosesTheUpstreamConnection() throws Exception {
        upstream.reply(new FakeUpstream.Silence());
        try (LogCapture log = LogCapture.open()) {
            try (Socket client = send(false)) {
                upstream.take();
            }
            await().atMost(GENEROUS).until(() -> upstream.closedConnections() >= 1);

            try (Socket client = send(true)) {
                upstream.take();
            }
            await().atMost(GENEROUS).until(() -> upstream.closedConnections() >= 2);

            assertSlotsAreBack();
            await().atMost(GENEROUS).until(() -> clientLeftLines(log) == 2);
            assertEquals(List.of(), log.problems(), "a client leaving is no warning");
        }
    }

    @Test
    void leavingWhileWaitingForAPooledConnectionCancelsTheWait() throws Exception {
        upstream.reply(new FakeUpstream.Silence());
        SharedConnectionManager pool = gateway.camelContext().getRegistry()
                .lookupByNameAndType("llm-upstream-connections", SharedConnectionManager.class);
        try (Socket holder = send(false)) {
            upstream.take();
            // a plain request: camel-http's pool is the one plain answers wait in (streams have their own client)
            try (Socket waiter = send(false)) {
                await().atMost(GENEROUS).until(() -> pool.getTotalStats().getPending() == 1);
                // both slots are taken now (max-concurrent-requests=2): a third request is refused
                assertEquals(503, gateway.get("/v1/models").statusCode());
            }
            // the waiter's slot comes back while the holder still waits for its provider
            await().atMost(GENEROUS).until(() -> gateway.get("/v1/models").statusCode() == 200);
            assertEquals(1, pool.getTotalStats().getLeased(), "only the holder has a connection; the waiter never got one");
        }
        await().atMost(GENEROUS).until(() -> upstream.closedConnections() >= 1);
        assertSlotsAreBack();
    }

    @Test
    void leavingMidStreamIsOneInfoLineAndNoError() throws Exception {
        List<String> events = IntStream.range(0, 200).mapToObj(i -> "{\"choices\":[{\"delta\":{\"content\":\"t" + i + "\"}}]}").toList();
        upstream.replySse(events, 50);
        try (LogCapture log = LogCapture.open()) {
            try (Socket client = send(true)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                    // the head, until the first event
                }
                assertNotNull(line);
            }
            assertTrue(upstream.awaitStreamCut(GENEROUS.toMillis()), "the upstream stream is cut when the client leaves");
            await().atMost(GENEROUS).until(() -> clientLeftLines(log) == 1);
            assertSlotsAreBack();
            assertEquals(List.of(), log.problems(), "a client leaving mid-stream is no warning and no 502");
            assertTrue(log.lines().stream().noneMatch(LogCapture.Line::hasThrowable), "no stack trace: " + log.lines());
        }
    }

    /** Both slots of max-concurrent-requests=2 serve again: two requests at once both succeed. */
    private void assertSlotsAreBack() {
        upstream.replyJson(200, "{\"id\":\"x\",\"choices\":[]}");
        await().atMost(GENEROUS).untilAsserted(() -> {
            List<CompletableFuture<Integer>> pair = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                pair.add(CompletableFuture.supplyAsync(() -> status(false)));
            }
            for (CompletableFuture<Integer> one : pair) {
                assertEquals(200, one.get());
            }
        });
    }

    private static long clientLeftLines(LogCapture log) {
        return log.lines().stream().filter(l -> l.message().contains("client closed the connection")).count();
    }

    private Socket send(boolean stream) throws Exception {
        return gateway.openChat(CHAT.formatted(stream));
    }

    private int status(boolean stream) {
        try {
            return gateway.postJson("/v1/chat/completions", CHAT.formatted(stream)).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
