package io.camelllmproxy.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The HTTP server itself, over raw sockets: connections that ask for nothing are closed, requests the
 * decoder refuses get the OpenAI error shape, ambiguous lengths are refused, h2c is not spoken, and none
 * of the deadlines cuts a stream or a slow provider answer.
 */
class ServerHardeningTest {

    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        // deadlines far below the stream's length and the provider's delay, to show they do not apply then; with an
        // idle timeout this short the harness sends each POST on a connection of its own, never on a pooled one the
        // gateway may be closing at that instant
        gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), "sk-p", null,
                        "{model_id: m, model_name: M}"),
                Map.of("llm.server.idle-timeout-ms", "1500", "llm.server.request-head-timeout-ms", "700",
                        "llm.stream.heartbeat-ms", "300"));
        port = URI.create(gateway.url("/")).getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    /** Everything the server sends until it closes the connection; fails if it is still open after 60 s. */
    static String readUntilClosed(Socket socket) throws Exception {
        socket.setSoTimeout(60_000);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open; received so far: " + received.toString(StandardCharsets.UTF_8));
        } catch (java.net.SocketException reset) {
            // a reset after the answer also ends the connection
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** One response, read to its end and no further, so the connection can carry the next request. */
    static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                fail("the connection closed within a response head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = text.lines().map(line -> line.toLowerCase(Locale.ROOT))
                .filter(line -> line.startsWith("content-length:"))
                .map(line -> Integer.parseInt(line.substring("content-length:".length()).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("a response with a length: " + text));
        byte[] body = in.readNBytes(length);
        assertEquals(length, body.length, text);
        return text + new String(body, StandardCharsets.UTF_8);
    }

    static String exchange(String raw) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readUntilClosed(socket);
        }
    }

    static int status(String response) {
        // Netty stamps a request it could not read as HTTP/1.0, and Vert.x answers in the request's version
        assertTrue(response.startsWith("HTTP/1.1 ") || response.startsWith("HTTP/1.0 "), "an HTTP/1.x answer: " + response);
        return Integer.parseInt(response.substring(9, 12));
    }

    static JsonNode errorBody(String response) throws Exception {
        int split = response.indexOf("\r\n\r\n");
        assertTrue(split > 0, response);
        assertTrue(response.substring(0, split).toLowerCase().contains("content-type: application/json"), response);
        JsonNode error = Json.MAPPER.readTree(response.substring(split + 4)).get("error");
        for (String member : new String[] {"message", "type", "param", "code"}) {
            assertTrue(error.has(member), "error." + member + " in " + response);
        }
        return error;
    }

    @Test
    void aRequestHeadThatTricklesIsAnswered408AndClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: "
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = readUntilClosed(socket);
            assertEquals(408, status(response), response);
            assertEquals("request_timeout", errorBody(response).get("code").asText());
        }
    }

    @Test
    void aRequestHeadThatTricklesAfterAnAnsweredRequestIsAnswered408() throws Exception {
        // the next head may start while the end of the last answer is still being written: a few rounds meet that
        for (int round = 0; round < 5; round++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(60_000);
                socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String first = readResponse(socket.getInputStream());
                assertEquals(200, status(first), first);
                socket.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: "
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String response = readUntilClosed(socket);
                assertEquals(408, status(response), "round " + round + ": " + response);
                assertEquals("request_timeout", errorBody(response).get("code").asText());
            }
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertEquals("", readUntilClosed(socket), "closed without an answer");
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedOnceIdle() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = readUntilClosed(socket);
            assertEquals(200, status(response), response);
        }
    }

    @Test
    void bothContentLengthAndTransferEncodingAreRefused() throws Exception {
        upstream.clearReceived();
        String chunked = exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + GatewayHarness.ADMIN_TOKEN + "\r\nContent-Length: " + CHAT.length()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(CHAT.length()) + "\r\n" + CHAT + "\r\n0\r\n\r\n");
        assertEquals(400, status(chunked), chunked);
        assertEquals("ambiguous_request_length", errorBody(chunked).get("code").asText());
        String other = exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + CHAT.length() + "\r\nTransfer-Encoding: identity\r\n\r\n" + CHAT);
        assertEquals(400, status(other), other);
        assertEquals("ambiguous_request_length", errorBody(other).get("code").asText());
        assertTrue(upstream.receivedNothing(), "nothing reached the provider");
    }

    @Test
    void oversizedHeadersGet431InTheErrorShape() throws Exception {
        String response = exchange("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertEquals(431, status(response), response);
        assertEquals("request_headers_too_large", errorBody(response).get("code").asText());
    }

    @Test
    void anOversizedRequestLineGets414InTheErrorShape() throws Exception {
        String response = exchange("GET /v1/models?" + "q".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(414, status(response), response);
        assertEquals("request_line_too_long", errorBody(response).get("code").asText());
    }

    @Test
    void aMalformedRequestGets400InTheErrorShape() throws Exception {
        String response = exchange("GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n");
        assertEquals(400, status(response), response);
        assertEquals("malformed_request", errorBody(response).get("code").asText());
    }

    @Test
    void h2cIsNotSpoken() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> upgraded = client.send(HttpRequest.newBuilder(URI.create(gateway.url("/health"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_1_1, upgraded.version(), "the h2c upgrade is declined");
        assertEquals(200, upgraded.statusCode());
        // HTTP/2 with prior knowledge: the preface is read as a text request and refused; no HTTP/2 frame comes back
        String preface = exchange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assertTrue(preface.startsWith("HTTP/"), "a text answer, not a SETTINGS frame: " + preface);
        assertTrue(Integer.parseInt(preface.substring(9, 12)) >= 400, preface);
    }

    @Test
    void streamsAndSlowAnswersOutliveEveryDeadline() throws Exception {
        List<String> events = new ArrayList<>(IntStream.range(0, 4).mapToObj(i -> "{\"id\":\"c\",\"object\":"
                + "\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + i + "\"}}]}").toList());
        events.add("[DONE]");
        // 5 events 1 s apart: longer than both the idle (1.5 s) and the head (0.7 s) deadline
        upstream.replySse(events, 1000);
        GatewayHarness.StreamedResponse stream = gateway.postStreaming(CHAT.replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertEquals(200, stream.status());
        List<String> data = stream.data();
        assertEquals("[DONE]", data.get(data.size() - 1), "the stream ran to its end: " + data);
        assertEquals(5, data.size(), data.toString());

        upstream.reply(new FakeUpstream.Raw(200, "application/json", List.of("{\"id\":\"x\",\"object\":\"chat.completion\",",
                "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"late\"}}]}"), 2500));
        HttpResponse<String> slow = gateway.postJson("/v1/chat/completions", CHAT);
        assertEquals(200, slow.statusCode(), slow.body());
        assertTrue(slow.body().contains("late"), slow.body());
    }

    @Test
    void aRequestThatExpects100ContinueIsNotCutWhileItsAnswerIsSlow() throws Exception {
        upstream.reply(new FakeUpstream.Raw(200, "application/json", List.of("{\"id\":\"x\",\"object\":\"chat.completion\",",
                "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"late\"}}]}"), 2500));
        String response = exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + GatewayHarness.ADMIN_TOKEN + "\r\nExpect: 100-continue\r\nConnection: close\r\n"
                + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
        // an interim 100 Continue may come first; the final answer must follow it
        String last = response.substring(Math.max(0, response.lastIndexOf("HTTP/1.1 ")));
        assertEquals(200, status(last), response);
        assertTrue(last.contains("late"), response);
    }
}
