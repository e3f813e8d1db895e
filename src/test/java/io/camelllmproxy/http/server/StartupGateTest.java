package io.camelllmproxy.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Until every route has started, the server answers 503 gateway_starting in the error shape, never a 404. */
class StartupGateTest {

    @Test
    void theGateAnswers503UntilTheContextHasFullyStarted() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            StartupGate gate = new StartupGate();
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(gate.guard(request -> request.response().end("served")))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/models")).build();

            HttpResponse<String> starting = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, starting.statusCode());
            assertEquals("1", starting.headers().firstValue("Retry-After").orElse(null));
            assertEquals("gateway_starting", Json.MAPPER.readTree(starting.body()).get("error").get("code").asText());

            gate.onCamelContextFullyStarted(null, false);
            HttpResponse<String> served = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, served.statusCode());
            assertEquals("served", served.body());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyAnswerDuringStartUpIsJsonAndNone404() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest models = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                .header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN).timeout(Duration.ofSeconds(30)).build();
        List<HttpResponse<String>> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture<Void> poller = CompletableFuture.runAsync(() -> {
            while (!started.get()) {
                try {
                    answers.add(client.send(models, HttpResponse.BodyHandlers.ofString()));
                } catch (ConnectException notListeningYet) {
                    Thread.onSpinWait();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        try (GatewayHarness gateway = GatewayHarness.start("providers: []\n", Map.of("camel.server.port", String.valueOf(port)))) {
            started.set(true);
            poller.get(60, TimeUnit.SECONDS);
            assertEquals(200, gateway.get("/v1/models").statusCode());
        } finally {
            started.set(true);
        }
        for (HttpResponse<String> answer : answers) {
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 503, answer.statusCode() + " " + answer.body());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                    "JSON, not an HTML page: " + answer.body());
            JsonNode body = Json.MAPPER.readTree(answer.body());
            if (answer.statusCode() == 503) {
                assertTrue(List.of("gateway_starting", "registry_unavailable").contains(body.get("error").get("code").asText()),
                        answer.body());
            }
        }
    }
}
