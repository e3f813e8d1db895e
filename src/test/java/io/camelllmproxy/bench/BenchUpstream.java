package io.camelllmproxy.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A fast fake provider for measurements (Vert.x, one event loop), speaking all four wire schemas. The
 * requested model says what to do: {@code instant} answers a small completion at once; {@code s-<chunks>-<ms>}
 * streams OpenAI chunks that far apart (OpenAI, Azure and Ollama's /v1 paths), {@code a-<chunks>-<ms>} an
 * Anthropic event stream, {@code o-<chunks>-<ms>} Ollama NDJSON. Each chunk carries its sequence number as
 * its text, so clients can check that nothing was lost or reordered. Usage: {@code BenchUpstream <port>}.
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
                    String[] parts = model.split("-");
                    if (parts.length == 3 && parts[0].length() == 1) {
                        Stream stream = new Stream(vertx, response, parts[0].charAt(0), Integer.parseInt(parts[1]),
                                Long.parseLong(parts[2]));
                        stream.start();
                    } else {
                        response.putHeader("Content-Type", "application/json").end(COMPLETION);
                    }
                })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        System.out.println("bench upstream listening on 127.0.0.1:" + port);
    }

    /** One paced stream in the framing its model asks for. */
    private record Stream(Vertx vertx, HttpServerResponse response, char kind, int chunks, long intervalMs) {

        void start() {
            response.setChunked(true).putHeader("Content-Type", kind == 'o' ? "application/x-ndjson" : "text/event-stream");
            if (kind == 'a') {
                response.write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"bench\",\"usage\":"
                        + "{\"input_tokens\":5,\"output_tokens\":1}}}\n\nevent: content_block_start\ndata: {\"type\":"
                        + "\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
            } else {
                response.write("");
            }
            // the head goes out now, as a provider sends it before its first token
            if (!response.headWritten()) {
                response.writeHead();
            }
            next(0);
        }

        void next(int i) {
            vertx.setTimer(Math.max(1, intervalMs), id -> {
                if (response.closed()) {
                    return;
                }
                if (i == chunks) {
                    response.end(switch (kind) {
                        case 'a' -> "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                                + "\"end_turn\"},\"usage\":{\"output_tokens\":" + chunks + "}}\n\n"
                                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
                        case 'o' -> "{\"model\":\"bench\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":"
                                + "\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":5,"
                                + "\"eval_count\":" + chunks + "}\n";
                        default -> "data: [DONE]\n\n";
                    });
                    return;
                }
                response.write(switch (kind) {
                    case 'a' -> "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + i + "\"}}\n\n";
                    case 'o' -> "{\"model\":\"bench\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":"
                            + "\"assistant\",\"content\":\"" + i + "\"},\"done\":false}\n";
                    default -> "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + i + "\"},\"finish_reason\":null}]}\n\n";
                });
                next(i + 1);
            });
        }
    }
}
