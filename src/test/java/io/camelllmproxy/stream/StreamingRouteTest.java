package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.GatewayHarness.StreamedResponse;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming through the gateway: incremental delivery, termination, errors on both sides of the head, disconnects. */
class StreamingRouteTest {

    static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("local", "openai_compatible", upstream.baseUrl(),
                "sk-stream", null, "{model_id: gpt-4o-mini, model_name: Mini}"),
                Map.of("llm.stream.heartbeat-ms", "400", "llm.upstream.read-timeout-ms", "3000"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static List<String> chunks(int n) {
        return IntStream.range(0, n).mapToObj(i -> "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"tok" + i + "\"},\"finish_reason\":null}]}").toList();
    }

    @Test
    void eventsReachTheClientAsTheyArriveUpstream() throws Exception {
        List<String> events = new ArrayList<>(chunks(8));
        events.add("[DONE]");
        // the upstream sends each event only after the client has read the one before: a gateway that held
        // events back would stall the stream until its read timeout, and the events below would not match
        upstream.reply(new FakeUpstream.Stepped(events, 50));

        StreamedResponse response = gateway.postStreaming(REQUEST, line -> {
            if (line.line().startsWith("data: ")) {
                upstream.step();
            }
        });

        assertEquals(200, response.status());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertEquals("no-cache", response.headers().firstValue("cache-control").orElse(null));
        assertEquals("no", response.headers().firstValue("x-accel-buffering").orElse(null));
        assertEquals(events, response.data(), "every event, unchanged and in order, then [DONE] once");
        List<GatewayHarness.TimedLine> lines = response.dataLines();
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(lines.get(i).atNanos() - lines.get(i - 1).atNanos() >= 50_000_000L,
                    "the chunks arrive spread over time, one per upstream event: " + lines);
        }
        assertEquals("Bearer sk-stream", upstream.take().header("Authorization"));
    }

    @Test
    void aStreamThatEndsWithoutDoneIsClosedWithDone() throws Exception {
        upstream.replySse(chunks(3), 0);
        StreamedResponse response = gateway.postStreaming(REQUEST);
        List<String> data = response.data();
        assertEquals(4, data.size());
        assertEquals("[DONE]", data.get(3));
        upstream.take();
    }

    @Test
    void anUpstreamErrorBeforeTheFirstByteIsAnOrdinaryHttpError() throws Exception {
        upstream.reply(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
                Map.of("Retry-After", "7", "x-ratelimit-remaining-requests", "0")));
        StreamedResponse response = gateway.postStreaming(REQUEST);
        assertEquals(429, response.status());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        assertEquals("7", response.headers().firstValue("retry-after").orElse(null));
        assertEquals("0", response.headers().firstValue("x-ratelimit-remaining-requests").orElse(null));
        JsonNode error = Json.MAPPER.readTree(String.join("", response.lines().stream().map(GatewayHarness.TimedLine::line).toList()));
        assertEquals("slow down", error.get("error").get("message").asText());
        upstream.take();

        StreamedResponse unknown = gateway.postStreaming(REQUEST.replace("gpt-4o-mini", "nope"));
        assertEquals(404, unknown.status());
    }

    @Test
    void anUpstreamFailureMidStreamBecomesOneErrorEvent() throws Exception {
        upstream.reply(new FakeUpstream.Sse(chunks(5), 20, 2));
        StreamedResponse response = gateway.postStreaming(REQUEST);
        assertEquals(200, response.status());
        List<String> data = response.data();
        assertEquals(chunks(5).subList(0, 2), data.subList(0, 2));
        JsonNode error = Json.MAPPER.readTree(data.get(2)).get("error");
        assertEquals("upstream_connection_error", error.get("code").asText());
        assertEquals("[DONE]", data.get(data.size() - 1));
        assertEquals(4, data.size());
        upstream.take();
    }

    @Test
    void aSilentModelGetsKeepAliveCommentsBeforeItsFirstToken() throws Exception {
        upstream.replySse(List.of(chunks(1).get(0), "[DONE]"), 1500);
        StreamedResponse response = gateway.postStreaming(REQUEST);
        long comments = response.lines().stream()
                .filter(l -> l.line().startsWith(":") && l.atMillis() < response.dataLines().get(0).atMillis()).count();
        assertTrue(comments >= 1, "a keep-alive comment precedes the first token: " + response.lines());
        assertEquals(2, response.data().size());
        upstream.take();
    }

    @Test
    void aModelSilentPastTheReadTimeoutEndsTheCommittedStreamWithAnErrorEvent() throws Exception {
        upstream.reply(new FakeUpstream.Silence());
        StreamedResponse response = gateway.postStreaming(REQUEST);
        assertEquals(200, response.status(), "keep-alive comments committed the stream while the model was silent");
        assertTrue(response.lines().stream().anyMatch(l -> l.line().startsWith(": keep-alive")));
        List<String> data = response.data();
        assertEquals(2, data.size(), String.valueOf(data));
        assertEquals("upstream_timeout", Json.MAPPER.readTree(data.get(0)).get("error").get("code").asText());
        assertEquals("[DONE]", data.get(1));
        upstream.take();
    }

    @Test
    void aJsonAnswerToAStreamingRequestIsAProtocolError() throws Exception {
        upstream.replyJson(200, "{\"id\":\"not-a-stream\"}");
        StreamedResponse response = gateway.postStreaming(REQUEST);
        assertEquals(502, response.status());
        assertTrue(response.lines().get(0).line().contains("upstream_protocol_error"));
        upstream.take();
    }

    @Test
    void whenTheClientLeavesTheUpstreamConnectionIsCut() throws Exception {
        upstream.replySse(chunks(600), 50);
        try (Socket socket = gateway.openChat(REQUEST)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                // skip the head until the first event
            }
            assertTrue(line != null && line.contains("tok0"));
        }
        // bounded well inside the 30 s the stream would last, so a loaded machine cannot make this flaky
        assertTrue(upstream.awaitStreamCut(20_000), "the upstream connection is closed when the client's is");
        assertTrue(!upstream.streamFinished(), "the upstream stream was cut, not read to its end");
        upstream.take();
    }

    @Test
    void aSlowClientHoldsTheProviderBackAndLosesNothing() throws Exception {
        int count = 4000;
        // 32 MiB: far more than the gateway buffers and the loopback sockets on both sides hold together
        upstream.reply(new FakeUpstream.Flood(count, 8192));
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        List<Integer> numbers = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
            // the head's blank line, a keep-alive comment
        }
        numbers.add(Json.MAPPER.readTree(line.substring(6)).get("n").asInt());
        // the client reads nothing more: the provider must be held back, not read into the gateway's memory
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(upstream::floodStalled);
        int sentWhileStalled = upstream.floodSent();
        assertTrue(sentWhileStalled < count, "the provider was paused before it had sent everything: " + sentWhileStalled);
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                numbers.add(Json.MAPPER.readTree(line.substring(6)).get("n").asInt());
            } else if (line.equals("data: [DONE]")) {
                numbers.add(-1);
            }
        }
        List<Integer> expected = new ArrayList<>(IntStream.range(0, count).boxed().toList());
        expected.add(-1);
        assertEquals(expected, numbers, "once the client reads again, every event arrives once, in order, then [DONE]");
        upstream.take();
    }

    @Test
    void openStreamsHoldNoThread() throws Exception {
        upstream.replySse(chunks(400), 50);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = gateway.openChat(REQUEST);
                clients.add(socket);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                    // the head, until the first event
                }
                assertTrue(line != null, "stream " + i + " started");
            }
            // twenty streams are relaying now: no thread may be running (or blocked in) a gateway route for them
            // (platform threads, as on JDK 17; on JDK 21+ the workers are virtual and not listed here)
            List<String> inRoutes = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().getName().contains("llm-http-worker"))
                    // an idle worker waits in its pool; one that runs a route (or waits for a route to end) is in Camel's code
                    .filter(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith("org.apache.camel.")
                            || f.getClassName().startsWith("io.camelllmproxy")))
                    .map(e -> e.getKey().getName() + " " + java.util.Arrays.toString(e.getValue()))
                    .toList();
            assertEquals(List.of(), inRoutes, "open streams are relayed on the event loop, holding no worker thread");
        } finally {
            for (Socket socket : clients) {
                socket.close();
            }
        }
        for (int i = 0; i < 20; i++) {
            upstream.take();
        }
    }

    @Test
    void concurrentStreamsAllCompleteInOrder() throws Exception {
        upstream.replySse(chunks(20), 25);
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<String> expected = new ArrayList<>(chunks(20));
        expected.add("[DONE]");
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertEquals(200, response.statusCode());
            // events, not bytes: on a slow machine a keep-alive comment may come before or between them
            assertEquals(expected, dataEvents(response.body()));
        }
        for (int i = 0; i < 100; i++) {
            upstream.take();
        }
    }

    /** The data payloads of an SSE body, in order; comments and blank lines are not events. */
    static List<String> dataEvents(String body) {
        return body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }
}
