package io.camelllmproxy.http;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bytes of request bodies held at once are bounded across requests: beyond the budget a request is
 * refused at once, the gateway keeps answering meanwhile, and the budget comes back when requests end,
 * whether they completed or their client left.
 */
class RequestBodyBudgetTest {

    private static final int BODY_BYTES = 1_000_000;
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    /** A request whose head and first bytes were sent; the rest of its body waits. */
    private record Partial(Socket socket, byte[] body, CompletableFuture<String> answer) {
        void finish() throws Exception {
            OutputStream out = socket.getOutputStream();
            out.write(body, 1024, body.length - 1024);
            out.flush();
        }
    }

    @Test
    void bodiesBeyondTheBudgetAreRefusedAtOnceAndTheBudgetComesBack() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.start("providers: []\n", Map.of(
                "camel.server.maxBodySize", "1048576",
                "llm.server.max-body-bytes", "1048576",
                // room for two of the test's bodies, not three
                "llm.server.max-body-bytes-in-flight", "2500000"))) {
            List<Partial> requests = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                requests.add(start(gateway));
            }
            await().atMost(GENEROUS).until(() -> requests.stream().filter(r -> r.answer().isDone()).count() == 3);
            List<Partial> admitted = requests.stream().filter(r -> !r.answer().isDone()).toList();
            for (Partial request : requests) {
                if (request.answer().isDone()) {
                    String answer = request.answer().get();
                    assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                    assertTrue(answer.contains("gateway_overloaded"), answer);
                    assertTrue(answer.toLowerCase().contains("retry-after: 1"), answer);
                }
            }
            assertEquals(200, gateway.send("GET", "/health", null, null).statusCode(), "the gateway answers meanwhile");

            admitted.get(0).finish();
            assertTrue(admitted.get(0).answer().get().startsWith("HTTP/1.1 404"), "a read body is handled as usual");
            admitted.get(1).socket().close();

            // all of the budget is back: two bodies at once are both read again
            await().atMost(GENEROUS).untilAsserted(() -> {
                List<CompletableFuture<Integer>> pair = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    pair.add(CompletableFuture.supplyAsync(() -> post(gateway)));
                }
                for (CompletableFuture<Integer> one : pair) {
                    assertEquals(404, one.get());
                }
            });
            for (Partial request : requests) {
                request.socket().close();
            }
        }
    }

    /**
     * A body sent chunked (no Content-Length) is reserved at the per-request limit only while it is received:
     * once read it counts its real size, and once the provider call is sent nothing. Long streams whose
     * requests came chunked therefore leave the budget to further requests, and it is all back afterwards.
     */
    @Test
    void streamsSentChunkedHoldNoBodyBudgetWhileTheyStream() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + GatewayHarness.provider("p", "openai",
                     upstream.baseUrl(), null, null, "{model_id: m, model_name: M}"), Map.of(
                     "camel.server.maxBodySize", "1048576",
                     "llm.server.max-body-bytes", "1048576",
                     // room for two chunked bodies being received at once, not three
                     "llm.server.max-body-bytes-in-flight", "2500000"))) {
            RequestBodyBudget budget = gateway.camelContext().getRegistry()
                    .lookupByNameAndType("llm-request-body-budget", RequestBodyBudget.class);
            String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}";
            // each stream sends its first event at once and every further one only when the test steps it
            upstream.reply(new FakeUpstream.Stepped(List.of(chunk, chunk, "[DONE]"), 0));
            String stream = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            List<Socket> streams = new ArrayList<>();
            List<BufferedReader> readers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Socket socket = sendChunked(gateway, stream);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String status = in.readLine();
                assertEquals("HTTP/1.1 200 OK", status, "stream " + i + " is admitted while the others stream");
                assertTrue(readUntil(in, "data: {").startsWith("data: {"), "stream " + i + " is under way");
                streams.add(socket);
                readers.add(in);
            }
            await().atMost(GENEROUS).until(() -> budget.reserved() == 0);

            try (Socket further = sendChunked(gateway, "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
                String answer = readAnswer(further);
                assertTrue(answer.startsWith("HTTP/1.1 404"), "a further chunked request gets in: " + answer);
                assertTrue(answer.contains("model_not_found"), answer);
            }

            for (int i = 0; i < 2 * streams.size(); i++) {
                upstream.step();
            }
            for (BufferedReader in : readers) {
                assertEquals("data: [DONE]", readUntil(in, "data: ["), "every stream ran to its end");
            }
            for (Socket socket : streams) {
                socket.close();
            }
            await().atMost(GENEROUS).until(() -> budget.reserved() == 0);
        }
    }

    /** A chat request whose body goes out chunked, with no Content-Length; the socket is left open for the answer. */
    private static Socket sendChunked(GatewayHarness gateway, String body) throws Exception {
        Socket socket = new Socket("127.0.0.1", URI.create(gateway.url("/")).getPort());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int half = bytes.length / 2;
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + GatewayHarness.ADMIN_TOKEN + "\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write((Integer.toHexString(half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, 0, half);
        out.write(("\r\n" + Integer.toHexString(bytes.length - half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, half, bytes.length - half);
        out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
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

    private static byte[] body() {
        String head = "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        char[] filler = new char[BODY_BYTES - head.length() - tail.length()];
        Arrays.fill(filler, 'x');
        return (head + new String(filler) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static Partial start(GatewayHarness gateway) throws Exception {
        Socket socket = new Socket("127.0.0.1", URI.create(gateway.url("/")).getPort());
        byte[] body = body();
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + GatewayHarness.ADMIN_TOKEN + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(body, 0, 1024);
        out.flush();
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readAnswer(socket));
        return new Partial(socket, body, answer);
    }

    /** The status line, the headers and a body sent with a Content-Length, as text. */
    private static String readAnswer(Socket socket) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder answer = new StringBuilder();
            int length = 0;
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                answer.append(line).append('\n');
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return answer.append('\n').append(body, 0, read).toString();
        } catch (Exception e) {
            return "no answer: " + e;
        }
    }

    private static int post(GatewayHarness gateway) {
        try {
            var response = gateway.postJson("/v1/chat/completions", new String(body(), StandardCharsets.UTF_8));
            if (response.statusCode() == 404) {
                assertEquals("model_not_found", Json.MAPPER.readTree(response.body()).get("error").get("code").asText());
            }
            return response.statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
