package io.camelllmproxy.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load probes. {@code latency <directBase> <gatewayBase> <n>}: n sequential non-streaming requests to each,
 * interleaved so a noisy machine affects both alike; prints p50/p99 and the gateway's added time.
 * {@code streams <gatewayBase> <concurrency> <model>}: that many streams at once; checks every chunk
 * arrives, in order, and prints completed streams and chunks lost.
 */
public final class BenchClient {

    private BenchClient() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "latency" -> latency(args[1], args[2], Integer.parseInt(args[3]));
            case "streams" -> streams(args[1], Integer.parseInt(args[2]), args[3]);
            default -> throw new IllegalArgumentException("latency | streams");
        }
    }

    static void latency(String direct, String gateway, int n) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\":\"instant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpRequest toDirect = post(direct, body);
        HttpRequest toGateway = post(gateway, body);
        for (int i = 0; i < Math.min(2000, n); i++) {
            client.send(toDirect, HttpResponse.BodyHandlers.ofByteArray());
            client.send(toGateway, HttpResponse.BodyHandlers.ofByteArray());
        }
        long[] d = new long[n];
        long[] g = new long[n];
        for (int i = 0; i < n; i++) {
            d[i] = timed(client, toDirect);
            g[i] = timed(client, toGateway);
        }
        Arrays.sort(d);
        Arrays.sort(g);
        System.out.printf("latency c=1 n=%d: direct p50 %.3f ms p99 %.3f ms | gateway p50 %.3f ms p99 %.3f ms | added p50 %.3f ms p99 %.3f ms%n",
                n, ms(d, 50), ms(d, 99), ms(g, 50), ms(g, 99), ms(g, 50) - ms(d, 50), ms(g, 99) - ms(d, 99));
    }

    static void streams(String gateway, int concurrency, String model) throws Exception {
        String[] parts = model.split("-");
        int chunks = Integer.parseInt(parts[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        URI uri = URI.create(gateway + "/chat/completions");
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort()).setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(concurrency + 10));
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lost = new AtomicLong();
        AtomicLong disordered = new AtomicLong();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < concurrency; s++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            all.add(done);
            client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(uri.getPath())
                            .putHeader("Content-Type", "application/json"))
                    .compose(req -> req.send(Buffer.buffer(body)))
                    .compose(resp -> {
                        if (resp.statusCode() != 200) {
                            failed.incrementAndGet();
                            return resp.body().mapEmpty();
                        }
                        int[] next = {0};
                        StringBuilder pending = new StringBuilder();
                        resp.handler(buf -> {
                            pending.append(buf.toString());
                            int cut;
                            while ((cut = pending.indexOf("\n\n")) >= 0) {
                                String event = pending.substring(0, cut);
                                pending.delete(0, cut + 2);
                                int at = event.indexOf("\"content\":\"");
                                if (at >= 0) {
                                    int seq = Integer.parseInt(event.substring(at + 11, event.indexOf('"', at + 11)));
                                    if (seq != next[0]) {
                                        disordered.incrementAndGet();
                                    }
                                    next[0] = seq + 1;
                                }
                            }
                        });
                        return resp.end().map(v -> {
                            lost.addAndGet(chunks - next[0]);
                            completed.incrementAndGet();
                            return (Void) null;
                        });
                    })
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            failed.incrementAndGet();
                        }
                        done.complete(null);
                    });
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        System.out.printf("streams %d x %s: completed %d, failed %d, chunks lost %d, out of order %d, wall %.1f s%n",
                concurrency, model, completed.get(), failed.get(), lost.get(), disordered.get(),
                (System.nanoTime() - start) / 1e9);
        vertx.close();
    }

    private static HttpRequest post(String base, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static long timed(java.net.http.HttpClient client, HttpRequest request) throws Exception {
        long t = System.nanoTime();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        return System.nanoTime() - t;
    }

    private static double ms(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

}
