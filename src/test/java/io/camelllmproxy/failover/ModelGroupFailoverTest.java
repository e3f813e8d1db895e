package io.camelllmproxy.failover;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests to model groups over real HTTP, each member an in-process fake provider: every failure kind that fails
 * over, the ones that do not, Retry-After, cooldown and its probe, the strategies, and the x-llm-* headers.
 */
class ModelGroupFailoverTest {

    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"from %s\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}";

    static FakeUpstream first;
    static FakeUpstream second;
    static FakeUpstream third;
    static FakeUpstream silent;
    static ResettingProvider resetting;
    static FullBacklog full;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        first = new FakeUpstream();
        second = new FakeUpstream();
        third = new FakeUpstream();
        silent = new FakeUpstream();
        silent.reply(new FakeUpstream.Silence());
        resetting = new ResettingProvider();
        full = new FullBacklog();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String model = "{model_id: m, model_name: M}";
        gateway = GatewayHarness.start("providers:\n"
                        + provider("one", "openai", first.baseUrl(), "sk-1", null, model)
                        + provider("two", "openai", second.baseUrl(), "sk-2", null, model)
                        + provider("three", "openai", third.baseUrl(), "sk-3", null, model)
                        + provider("limited", "openai", third.baseUrl(), "sk-4", null, model)
                        + provider("lonely", "openai", third.baseUrl(), "sk-5", null, model)
                        + provider("cooling", "openai", third.baseUrl(), "sk-6", null, model)
                        + provider("fragile", "openai", third.baseUrl(), "sk-7", null, model)
                        + provider("slow", "openai", silent.baseUrl(), "sk-8", null, model)
                        + provider("refused", "openai", "http://127.0.0.1:" + closedPort + "/v1", "sk-9", null, model)
                        + provider("nowhere", "openai", "http://no-such-host.invalid/v1", "sk-10", null, model)
                        + provider("reset", "openai", "http://127.0.0.1:" + resetting.port() + "/v1", "sk-11", null, model)
                        + provider("full", "openai", "http://127.0.0.1:" + full.port() + "/v1", "sk-14", null, model)
                        + provider("defaults", "openai", first.baseUrl(), "sk-12", "    default_max_tokens: 7\n", model,
                        "{model_id: off, model_name: Off, enabled: false}")
                        + provider("claude", "anthropic", third.baseUrl(), "sk-13", null, model)
                        + "model_groups:\n"
                        + group("pair", "fallback", "{attempts: 2}", "{failures: 1000, seconds: 30}", "one", "two")
                        + group("via-refused", "fallback", null, null, "refused", "two")
                        + group("via-nowhere", "fallback", null, null, "nowhere", "two")
                        + group("via-reset", "fallback", null, null, "reset", "two")
                        + group("via-silent", "fallback", null, null, "slow", "two")
                        + group("via-full", "fallback", null, null, "full", "two")
                        + group("patient", "fallback", "{attempts: 2, max_wait_ms: 5000}", null, "three")
                        + group("skipping", "fallback", "{attempts: 2, max_wait_ms: 1000}", null, "limited", "two")
                        + group("impatient", "fallback", "{attempts: 3, max_wait_ms: 1000}", null, "lonely")
                        + group("cool", "fallback", "{attempts: 2}", "{failures: 2, seconds: 1}", "cooling", "two")
                        + group("down", "fallback", "{attempts: 1}", "{failures: 1, seconds: 30}", "fragile")
                        + group("busy", "least-busy", null, null, "slow", "two")
                        + group("with-defaults", "fallback", null, null, "defaults", "two")
                        + group("mixed", "fallback", "{attempts: 1}", null, "claude", "two")
                        + "  - name: dead\n    members:\n      - {provider: defaults, model_id: off}\n"
                        + "  - name: split\n    strategy: weighted\n    members:\n"
                        + "      - {provider: one, model_id: m, weight: 3}\n"
                        + "      - {provider: two, model_id: m, weight: 1}\n",
                Map.of("llm.upstream.read-timeout-ms", "2000", "llm.upstream.connect-timeout-ms", "1000"));
    }

    static String group(String name, String strategy, String retry, String cooldown, String... providers) {
        StringBuilder yaml = new StringBuilder("  - name: ").append(name).append('\n')
                .append("    strategy: ").append(strategy).append('\n')
                .append("    members:\n");
        for (String p : providers) {
            yaml.append("      - {provider: ").append(p).append(", model_id: m}\n");
        }
        if (retry != null) {
            yaml.append("    retry: ").append(retry).append('\n');
        }
        if (cooldown != null) {
            yaml.append("    cooldown: ").append(cooldown).append('\n');
        }
        return yaml.toString();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        for (FakeUpstream f : List.of(first, second, third, silent)) {
            f.close();
        }
        resetting.close();
        full.close();
    }

    @BeforeEach
    void answerByDefault() {
        first.replyJson(200, ANSWER.formatted("one"));
        second.replyJson(200, ANSWER.formatted("two"));
        third.replyJson(200, ANSWER.formatted("three"));
        for (FakeUpstream f : List.of(first, second, third, silent)) {
            f.clearReceived();
        }
    }

    static HttpResponse<String> chat(String model) throws Exception {
        return gateway.postJson("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    static String content(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body()).at("/choices/0/message/content").asText();
    }

    static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    static JsonNode error(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body()).get("error");
    }

    @Test
    void everyRetryableStatusFailsOverToTheNextMember() throws Exception {
        for (int status : new int[] {408, 409, 429, 500, 502, 503, 504, 529}) {
            first.replyJson(status, "{\"error\":{\"message\":\"status " + status + "\",\"type\":\"server_error\"}}");
            HttpResponse<String> response = chat("pair");
            assertEquals(200, response.statusCode(), "after " + status + ": " + response.body());
            assertEquals("from two", content(response));
            assertEquals("2", header(response, "x-llm-attempts"));
            assertEquals("two/m", header(response, "x-llm-deployment"));
            assertEquals("m", Json.MAPPER.readTree(first.take().body()).get("model").asText());
            JsonNode sent = Json.MAPPER.readTree(second.take().body());
            assertEquals("hi", sent.at("/messages/0/content").asText(), "the second member gets the whole request");
        }
    }

    @Test
    void transportFailuresFailOver() throws Exception {
        for (String group : List.of("via-refused", "via-nowhere", "via-reset", "via-silent", "via-full")) {
            HttpResponse<String> response = chat(group);
            assertEquals(200, response.statusCode(), group + ": " + response.body());
            assertEquals("from two", content(response), group);
            assertEquals("2", header(response, "x-llm-attempts"), group);
            assertEquals("two/m", header(response, "x-llm-deployment"), group);
            second.take();
        }
    }

    @Test
    void theNextMemberGetsTheRequestAsTheClientSentIt() throws Exception {
        first.replyJson(503, "{\"error\":{\"message\":\"overloaded\"}}");
        HttpResponse<String> response = chat("with-defaults");
        assertEquals("from two", content(response));
        assertEquals(7, Json.MAPPER.readTree(first.take().body()).get("max_tokens").asInt(), "the first member's default");
        assertTrue(Json.MAPPER.readTree(second.take().body()).path("max_tokens").isMissingNode(),
                "no default of another member");
    }

    @Test
    void anAnswerBrokenWhileItIsReadFailsOver() throws Exception {
        first.reply(new FakeUpstream.Sse(List.of("{\"id\":", "\"half\""), 0, 1));
        HttpResponse<String> response = chat("pair");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("from two", content(response));
        assertEquals("2", header(response, "x-llm-attempts"));
        first.take();
        second.take();
    }

    @Test
    void aMemberWhoseSchemaCannotTakeTheRequestIsSkippedWithoutACall() throws Exception {
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"mixed\",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("from two", content(response));
        assertEquals("1", header(response, "x-llm-attempts"), "the Anthropic member refused before any call");
        assertEquals("two/m", header(response, "x-llm-deployment"));
        assertTrue(third.receivedNothing());
        second.take();
    }

    @Test
    void aGroupWithoutAnEnabledMemberIs404WithNoCall() throws Exception {
        HttpResponse<String> response = chat("dead");
        assertEquals(404, response.statusCode());
        assertEquals("model_not_found", error(response).get("code").asText());
        assertEquals("0", header(response, "x-llm-attempts"));
    }

    @Test
    void aClientErrorIsAnsweredAtOnceWithOneCall() throws Exception {
        first.replyJson(400, "{\"error\":{\"message\":\"bad messages\",\"type\":\"invalid_request_error\"}}");
        HttpResponse<String> response = chat("pair");
        assertEquals(400, response.statusCode());
        assertEquals("bad messages", error(response).get("message").asText());
        assertEquals("1", header(response, "x-llm-attempts"));
        assertEquals("one/m", header(response, "x-llm-deployment"));
        first.take();
        assertTrue(second.receivedNothing(), "a 400 is the client's: never sent to another member");
    }

    @Test
    void theFirstMemberAnsweringCostsOneCall() throws Exception {
        HttpResponse<String> response = chat("pair");
        assertEquals(200, response.statusCode());
        assertEquals("from one", content(response));
        assertEquals("1", header(response, "x-llm-attempts"));
        assertEquals("one/m", header(response, "x-llm-deployment"));
        assertTrue(second.receivedNothing());
    }

    @Test
    void aShortRetryAfterIsWaitedForAndTheMemberRetried() throws Exception {
        third.replyOnce(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("retry-after-ms", "300")));
        HttpResponse<String> response = chat("patient");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("from three", content(response));
        assertEquals("2", header(response, "x-llm-attempts"));
        assertEquals("three/m", header(response, "x-llm-deployment"));
        third.take();
        third.take();
    }

    @Test
    void aLongRetryAfterSkipsTheMemberForLaterRequests() throws Exception {
        third.replyOnce(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"later\"}}", Map.of("Retry-After", "60")));
        HttpResponse<String> response = chat("skipping");
        assertEquals("from two", content(response));
        assertEquals("2", header(response, "x-llm-attempts"));
        third.take();
        HttpResponse<String> next = chat("skipping");
        assertEquals("from two", content(next));
        assertEquals("1", header(next, "x-llm-attempts"), "the rate-limited member is skipped, not called");
        assertTrue(third.receivedNothing());
    }

    @Test
    void aRetryAfterBeyondTheWaitGivesTheClientTheProvidersAnswer() throws Exception {
        third.reply(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"quota\",\"code\":\"rate_limit_exceeded\"}}",
                Map.of("Retry-After", "30")));
        HttpResponse<String> response = chat("impatient");
        assertEquals(429, response.statusCode());
        assertEquals("30", header(response, "retry-after"));
        assertEquals("1", header(response, "x-llm-attempts"));
        assertEquals("lonely/m", header(response, "x-llm-deployment"));
        third.take();
        assertTrue(third.receivedNothing(), "a wait beyond max_wait_ms is not waited");
    }

    @Test
    void cooldownTakesAMemberOutAndItsProbeBringsItBack() throws Exception {
        third.replyJson(500, "{\"error\":{\"message\":\"down\"}}");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = chat("cool");
            assertEquals("from two", content(response));
            third.take();
        }
        HttpResponse<String> cooled = chat("cool");
        assertEquals("from two", content(cooled));
        assertEquals("1", header(cooled, "x-llm-attempts"), "the member cooling down is not called");
        assertTrue(third.receivedNothing());
        third.replyJson(200, ANSWER.formatted("three"));
        // the cooldown is 1 s: requests go to the second member until the probe of the first succeeds
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> "from three".equals(content(chat("cool"))));
        HttpResponse<String> back = chat("cool");
        assertEquals("from three", content(back));
        assertEquals("cooling/m", header(back, "x-llm-deployment"));
    }

    @Test
    void everyMemberOutGives503NoHealthyDeploymentWithRetryAfter() throws Exception {
        third.replyJson(500, "{\"error\":{\"message\":\"down\"}}");
        HttpResponse<String> failed = chat("down");
        assertEquals(500, failed.statusCode());
        assertEquals("1", header(failed, "x-llm-attempts"));
        third.take();
        HttpResponse<String> out = chat("down");
        assertEquals(503, out.statusCode(), out.body());
        assertEquals("no_healthy_deployment", error(out).get("code").asText());
        long retryAfter = Long.parseLong(header(out, "retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 30, "seconds to the earliest return: " + retryAfter);
        assertEquals("0", header(out, "x-llm-attempts"));
        assertTrue(third.receivedNothing());
    }

    @Test
    void weightedChoiceFollowsTheWeights() throws Exception {
        int toOne = 0;
        int requests = 1000;
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = chat("split");
            assertEquals(200, response.statusCode());
            if ("one/m".equals(header(response, "x-llm-deployment"))) {
                toOne++;
            }
        }
        double share = toOne / (double) requests;
        assertTrue(Math.abs(share - 0.75) <= 0.05, "weight 3 of 4 got " + share);
    }

    @Test
    void leastBusySendsToTheMemberWithFewerRequestsInFlight() throws Exception {
        java.util.concurrent.CompletableFuture<HttpResponse<String>> held = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return chat("busy");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> silent.receivedCount() > 0);
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = chat("busy");
            assertEquals("from two", content(response));
            assertEquals("two/m", header(response, "x-llm-deployment"));
        }
        // the held request's member times out (read timeout) and it fails over too
        HttpResponse<String> slow = held.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("from two", content(slow));
        assertEquals("2", header(slow, "x-llm-attempts"));
    }

    @Test
    void theRequestLogNamesTheMembersLeftAndWhy() throws Exception {
        try (LogCapture log = LogCapture.of(FailoverSteps.class, org.apache.logging.log4j.Level.INFO)) {
            first.replyJson(503, "{\"error\":{\"message\":\"overloaded\"}}");
            HttpResponse<String> response = chat("pair");
            assertEquals("from two", content(response));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log.texts().stream()
                    .anyMatch(l -> l.contains("model group 'pair'") && l.contains("answered by two/m")
                            && l.contains("one/m: HTTP 503")));
        }
    }

    /**
     * A listening socket that never accepts, its queue filled: Linux drops further connection attempts, so a
     * connect to it times out (where a kernel answers them anyway, the call still fails over on the read timeout).
     */
    static final class FullBacklog implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        private final List<Socket> queued = new java.util.ArrayList<>();

        FullBacklog() throws Exception {
            for (int i = 0; i < 3; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(new java.net.InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 200);
                    queued.add(socket);
                } catch (java.io.IOException queueFull) {
                    socket.close();
                    break;
                }
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            for (Socket s : queued) {
                s.close();
            }
            server.close();
        }
    }

    /** Accepts connections and resets them at once, before any answer. */
    static final class ResettingProvider implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final AtomicBoolean open = new AtomicBoolean(true);

        ResettingProvider() throws Exception {
            Thread accept = new Thread(() -> {
                while (open.get()) {
                    try (Socket socket = server.accept()) {
                        socket.setSoLinger(true, 0);
                        socket.getInputStream().read(new byte[1024]);
                    } catch (Exception e) {
                        // the reset itself, or the server closing at the end of the test
                    }
                }
            }, "resetting-provider");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            open.set(false);
            server.close();
        }
    }
}
