package io.camelllmproxy.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A fast fake provider for measurements (Vert.x, event loop only). The requested model says what to do:
 * {@code instant} answers a small chat.completion at once; {@code s-<chunks>-<intervalMs>} streams that many
 * chunks that far apart, each carrying its sequence number, then {@code [DONE]}.
 * Usage: {@code BenchUpstream <port>}.
 */
public final class BenchUpstream {

    static final String COMPLETION = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"instant\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}";

    private BenchUpstream() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(request ->
                request.body().onSuccess(body -> {
                    String model = new JsonObject(body).getString("model", "instant");
                    HttpServerResponse response = request.response();
                    if (model.startsWith("s-")) {
                        String[] parts = model.split("-");
                        stream(vertx, response, Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
                    } else {
                        response.putHeader("Content-Type", "application/json").end(COMPLETION);
                    }
                })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        System.out.println("bench upstream listening on 127.0.0.1:" + port);
    }

    private static void stream(Vertx vertx, HttpServerResponse response, int chunks, long intervalMs) {
        response.setChunked(true).putHeader("Content-Type", "text/event-stream");
        response.write("");
        send(vertx, response, 0, chunks, intervalMs);
    }

    private static void send(Vertx vertx, HttpServerResponse response, int i, int chunks, long intervalMs) {
        if (response.closed()) {
            return;
        }
        if (i == chunks) {
            response.end("data: [DONE]\n\n");
            return;
        }
        vertx.setTimer(Math.max(1, intervalMs), id -> {
            if (!response.closed()) {
                response.write("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                        + i + "\"},\"finish_reason\":null}]}\n\n");
                send(vertx, response, i + 1, chunks, intervalMs);
            }
        });
    }
}
