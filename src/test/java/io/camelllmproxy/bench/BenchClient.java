package io.camelllmproxy.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The harness's load probes. Each prints one {@code RESULT {json}} line and leaves raw samples in the
 * results folder for the charts.
 * <ul>
 * <li>{@code latency <directBase> <gatewayBase> <n> <key> <outDir>}: sequential non-streaming requests,
 * direct and through the gateway alternately, so a noisy machine affects both alike.</li>
 * <li>{@code streams <label> <base> <concurrency> <model> <key|-> <outDir>}: that many streams at once; every
 * chunk is timestamped on arrival and checked for order and loss.</li>
 * <li>{@code soak <gatewayBase> <perSecond> <seconds> <key>}: a fixed request rate for a while.</li>
 * </ul>
 */
public final class BenchClient {

    private static final Pattern SEQUENCE = Pattern.compile("\"(?:content|text)\":\"(\\d+)\"");

    private BenchClient() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "latency" -> latency(args[1], args[2], Integer.parseInt(args[3]), args[4], Path.of(args[5]));
            case "streams" -> {
                // an unrecorded round first, so the client is not measured with a cold JIT; long capacity
                // streams are not latency figures and skip it
                String[] shape = args[4].split("-");
                if (Long.parseLong(shape[1]) * Long.parseLong(shape[2]) <= 2_000) {
                    streams(args[1], args[2], Integer.parseInt(args[3]), args[4], args[5], null);
                }
                streams(args[1], args[2], Integer.parseInt(args[3]), args[4], args[5], Path.of(args[6]));
            }
            case "stream-pair" -> streamPair(args[1], args[2], args[3], Integer.parseInt(args[4]), args[5], args[6],
                    Path.of(args[7]));
            case "soak" -> soak(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4]);
            default -> throw new IllegalArgumentException("latency | streams | soak");
        }
        System.exit(0);
    }

    static void latency(String direct, String gateway, int n, String key, Path out) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\":\"instant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpRequest toDirect = post(direct, body, null);
        HttpRequest toGateway = post(gateway, body, key);
        for (int i = 0; i < Math.min(3000, n); i++) {
            client.send(toDirect, HttpResponse.BodyHandlers.ofByteArray());
            client.send(toGateway, HttpResponse.BodyHandlers.ofByteArray());
        }
        long[] d = new long[n];
        long[] g = new long[n];
        for (int i = 0; i < n; i++) {
            d[i] = timed(client, toDirect);
            g[i] = timed(client, toGateway);
        }
        write(out.resolve("latency-direct.csv"), d);
        write(out.resolve("latency-gateway.csv"), g);
        Arrays.sort(d);
        Arrays.sort(g);
        result(String.format(Locale.ROOT, "{\"scenario\":\"latency\",\"n\":%d,\"direct_p50\":%.3f,\"direct_p99\":%.3f,"
                        + "\"gateway_p50\":%.3f,\"gateway_p99\":%.3f,\"added_p50\":%.3f,\"added_p99\":%.3f}",
                n, ms(d, 50), ms(d, 99), ms(g, 50), ms(g, 99), ms(g, 50) - ms(d, 50), ms(g, 99) - ms(d, 99)));
    }

    /**
     * Direct and gateway stream rounds alternating in one warm client (direct, gateway, direct, gateway after
     * a warm-up of each), so neither side pays for the client's own start or for a noisier moment.
     */
    static void streamPair(String lane, String directBase, String gatewayBase, int concurrency, String model, String key,
                           Path out) throws Exception {
        String directModel = model;
        streams(lane + "-direct", directBase, concurrency, directModel, "-", null);
        streams(lane + "-gateway", gatewayBase, concurrency, model, key, null);
        List<long[][]> direct = new ArrayList<>();
        List<long[][]> gateway = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            direct.add(streams(lane + "-direct", directBase, concurrency, directModel, "-", round == 1 ? out : null));
            gateway.add(streams(lane + "-gateway", gatewayBase, concurrency, model, key, round == 1 ? out : null));
        }
    }

    static long[][] streams(String label, String base, int concurrency, String model, String key, Path out) throws Exception {
        int chunks = Integer.parseInt(model.split("-")[1]);
        boolean anthropicDirect = model.startsWith("a-") && label.endsWith("direct");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        URI uri = URI.create(base + (anthropicDirect ? "/messages" : "/chat/completions"));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort()).setIdleTimeout(0).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(concurrency + 10));
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lost = new AtomicLong();
        AtomicLong reordered = new AtomicLong();
        long[] ttft = new long[concurrency];
        List<long[]> arrivals = new ArrayList<>();
        for (int s = 0; s < concurrency; s++) {
            arrivals.add(new long[chunks]);
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long runStart = System.nanoTime();
        for (int s = 0; s < concurrency; s++) {
            int stream = s;
            CompletableFuture<Void> done = new CompletableFuture<>();
            all.add(done);
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(uri.getPath())
                    .putHeader("Content-Type", "application/json");
            if (!key.equals("-")) {
                options.putHeader("Authorization", "Bearer " + key);
            }
            long start = System.nanoTime();
            client.request(options).compose(req -> req.send(Buffer.buffer(body))).compose(resp -> {
                if (resp.statusCode() != 200) {
                    failed.incrementAndGet();
                    return resp.body().mapEmpty();
                }
                int[] next = {0};
                StringBuilder pending = new StringBuilder();
                resp.handler(buf -> {
                    long now = System.nanoTime();
                    pending.append(buf.toString());
                    int cut;
                    while ((cut = pending.indexOf("\n")) >= 0) {
                        String line = pending.substring(0, cut);
                        pending.delete(0, cut + 1);
                        Matcher m = SEQUENCE.matcher(line);
                        if (m.find()) {
                            int seq = Integer.parseInt(m.group(1));
                            if (seq != next[0]) {
                                reordered.incrementAndGet();
                            }
                            if (seq == 0) {
                                ttft[stream] = now - start;
                            }
                            if (seq < chunks) {
                                arrivals.get(stream)[seq] = now - start;
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
            }).onComplete(ar -> {
                if (ar.failed()) {
                    failed.incrementAndGet();
                }
                done.complete(null);
            });
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double wall = (System.nanoTime() - runStart) / 1e9;
        vertx.close();
        List<Long> gaps = new ArrayList<>();
        List<Long> firsts = new ArrayList<>();
        for (int s = 0; s < concurrency; s++) {
            if (ttft[s] > 0) {
                firsts.add(ttft[s]);
            }
            long[] a = arrivals.get(s);
            for (int i = 1; i < chunks; i++) {
                if (a[i] > 0 && a[i - 1] > 0) {
                    gaps.add(a[i] - a[i - 1]);
                }
            }
        }
        if (out == null) {
            return null;
        }
        long[] f = firsts.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] gp = gaps.stream().mapToLong(Long::longValue).sorted().toArray();
        write(out.resolve("timeline-" + label + ".csv"), arrivals.get(0));
        result(String.format(Locale.ROOT, "{\"scenario\":\"streams\",\"label\":\"%s\",\"concurrency\":%d,\"model\":\"%s\","
                        + "\"completed\":%d,\"failed\":%d,\"lost\":%d,\"reordered\":%d,\"ttft_p50\":%.3f,\"ttft_p99\":%.3f,"
                        + "\"gap_p50\":%.3f,\"gap_p99\":%.3f,\"wall_s\":%.2f}",
                label, concurrency, model, completed.get(), failed.get(), lost.get(), reordered.get(),
                ms(f, 50), ms(f, 99), ms(gp, 50), ms(gp, 99), wall));
        return new long[][] {f, gp};
    }

    static void soak(String gateway, int perSecond, int seconds, String key) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        URI uri = URI.create(gateway + "/chat/completions");
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort()), new PoolOptions().setHttp1MaxSize(64));
        Buffer body = Buffer.buffer("{\"model\":\"instant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CompletableFuture<Void> finished = new CompletableFuture<>();
        vertx.setPeriodic(10, id -> {
            if (System.nanoTime() > end) {
                vertx.cancelTimer(id);
                finished.complete(null);
                return;
            }
            for (int i = 0; i < Math.max(1, perSecond / 100); i++) {
                client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(uri.getPath())
                                .putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + key))
                        .compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
                        .onComplete(ar -> (ar.succeeded() && ar.result() == 200 ? ok : failed).incrementAndGet());
            }
        });
        finished.get(seconds + 60L, TimeUnit.SECONDS);
        vertx.close();
        result(String.format(Locale.ROOT, "{\"scenario\":\"soak\",\"ok\":%d,\"failed\":%d}", ok.get(), failed.get()));
    }

    private static void result(String json) {
        System.out.println("RESULT " + json);
    }

    private static HttpRequest post(String base, String body, String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder.build();
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
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static void write(Path file, long[] nanos) throws IOException {
        StringBuilder csv = new StringBuilder();
        for (long n : nanos) {
            csv.append(String.format(Locale.ROOT, "%.4f", n / 1e6)).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, csv);
    }
}
