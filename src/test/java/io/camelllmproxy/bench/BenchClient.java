package io.camelllmproxy.bench;

import io.vertx.core.Future;
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
 * The harness's load probes. Each prints {@code RESULT {json}} lines and leaves raw samples in the results
 * folder for the charts. Direct (to the fake provider) and gateway runs alternate in one client process, so a
 * noisy machine and the client's own warm-up affect both alike.
 * <ul>
 * <li>{@code latency <directBase> <gatewayBase> <n> <key> <outDir>}: sequential non-streaming requests.</li>
 * <li>{@code stream-pair <lane> <directBase> <gatewayBase> <concurrency> <model> <key> <outDir>}: bursts of
 * streams on a warm gateway, two recorded rounds of each side after a warm-up round.</li>
 * <li>{@code first-burst <directBase> <gatewayBase> <concurrency> <model> <key> <outDir>}: the first burst a
 * just-started gateway gets.</li>
 * <li>{@code fresh <directBase> <gatewayBase> <n> <model> <key> <outDir>}: one stream at a time, each on a new
 * connection.</li>
 * <li>{@code stream-run <lane> <directBase> <gatewayBase> <concurrency> <model> <warmModel|-> <key> <outDir>}:
 * one long run of many concurrent streams per side.</li>
 * <li>{@code soak <gatewayBase> <perSecond> <seconds> <key>}: a fixed request rate for a while.</li>
 * </ul>
 * Every content chunk carries its sequence number (see {@link BenchUpstream}); it is timestamped on arrival and
 * checked for order and loss.
 */
public final class BenchClient {

    private static final Pattern SEQUENCE = Pattern.compile("\"(?:content|text)\":\"(\\d+)\"");

    /** One event loop for every probe of this client process, like one client machine. */
    private static final Vertx VERTX = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    private BenchClient() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "latency" -> latency(args[1], args[2], Integer.parseInt(args[3]), args[4], Path.of(args[5]));
            case "group-latency" -> groupLatency(args[1], Integer.parseInt(args[2]), args[3], Path.of(args[4]));
            case "observe-latency" -> observeLatency(args[1], args[2], Integer.parseInt(args[3]), args[4], Path.of(args[5]));
            case "stream-pair" -> streamPair(args[1], args[2], args[3], Integer.parseInt(args[4]), args[5], args[6],
                    Path.of(args[7]));
            case "first-burst" -> firstBurst(args[1], args[2], Integer.parseInt(args[3]), args[4], args[5], Path.of(args[6]));
            case "fresh" -> fresh(args[1], args[2], Integer.parseInt(args[3]), args[4], args[5], Path.of(args[6]));
            case "stream-run" -> streamRun(args[1], args[2], args[3], Integer.parseInt(args[4]), args[5], args[6], args[7],
                    Path.of(args[8]));
            case "soak" -> soak(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4]);
            default -> throw new IllegalArgumentException("latency | group-latency | observe-latency | stream-pair | first-burst | fresh | stream-run | soak");
        }
        VERTX.close();
        System.exit(0);
    }

    static void latency(String direct, String gateway, int n, String key, Path out) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\":\"instant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        long[][] times = alternating(client, post(direct, body, null), post(gateway, body, key), n);
        long[] d = times[0];
        long[] g = times[1];
        write(out.resolve("latency-direct.csv"), d);
        write(out.resolve("latency-gateway.csv"), g);
        Arrays.sort(d);
        Arrays.sort(g);
        result(String.format(Locale.ROOT, "{\"scenario\":\"latency\",\"n\":%d,\"direct_p50\":%.3f,\"direct_p99\":%.3f,"
                        + "\"gateway_p50\":%.3f,\"gateway_p99\":%.3f,\"added_p50\":%.3f,\"added_p99\":%.3f}",
                n, ms(d, 50), ms(d, 99), ms(g, 50), ms(g, 99), ms(g, 50) - ms(d, 50), ms(g, 99) - ms(d, 99)));
    }

    /**
     * What a model group costs when its first member answers: a plain model ({@code instant}) and a group whose first
     * member is that model ({@code instant-group}) through the gateway, alternating, at concurrency 1.
     */
    static void groupLatency(String gateway, int n, String key, Path out) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        long[][] times = alternating(client,
                post(gateway, "{\"model\":\"instant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key),
                post(gateway, "{\"model\":\"instant-group\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key), n);
        long[] p = times[0];
        long[] g = times[1];
        write(out.resolve("group-latency-plain.csv"), p);
        write(out.resolve("group-latency-group.csv"), g);
        Arrays.sort(p);
        Arrays.sort(g);
        result(String.format(Locale.ROOT, "{\"scenario\":\"group-latency\",\"n\":%d,\"plain_p50\":%.3f,\"plain_p99\":%.3f,"
                        + "\"group_p50\":%.3f,\"group_p99\":%.3f,\"added_p50\":%.3f,\"added_p99\":%.3f}",
                n, ms(p, 50), ms(p, 99), ms(g, 50), ms(g, 99), ms(g, 50) - ms(p, 50), ms(g, 99) - ms(p, 99)));
    }

    /**
     * What metrics and the usage ledger cost: the same plain request to a gateway with both off and to one with both
     * on (the default), alternating, at concurrency 1.
     */
    static void observeLatency(String off, String on, int n, String key, Path out) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\":\"instant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        long[][] times = alternating(client, post(off, body, key), post(on, body, key), n);
        long[] f = times[0];
        long[] o = times[1];
        write(out.resolve("observe-latency-off.csv"), f);
        write(out.resolve("observe-latency-on.csv"), o);
        Arrays.sort(f);
        Arrays.sort(o);
        result(String.format(Locale.ROOT, "{\"scenario\":\"observe-latency\",\"n\":%d,\"off_p50\":%.3f,\"off_p99\":%.3f,"
                        + "\"on_p50\":%.3f,\"on_p99\":%.3f,\"added_p50\":%.3f,\"added_p99\":%.3f}",
                n, ms(f, 50), ms(f, 99), ms(o, 50), ms(o, 99), ms(o, 50) - ms(f, 50), ms(o, 99) - ms(f, 99)));
    }

    /**
     * Direct and gateway stream rounds alternating in one warm client (direct, gateway, direct, gateway after
     * a warm-up of each), so neither side pays for the client's own start or for a noisier moment. The two
     * recorded rounds of each side are pooled.
     */
    static void streamPair(String lane, String directBase, String gatewayBase, int concurrency, String model, String key,
                           Path out) throws Exception {
        streams(directBase, concurrency, model, "-", true);
        streams(gatewayBase, concurrency, model, key, true);
        Run direct = null;
        Run gateway = null;
        for (int round = 0; round < 2; round++) {
            direct = Run.pool(direct, streams(directBase, concurrency, model, "-", true));
            gateway = Run.pool(gateway, streams(gatewayBase, concurrency, model, key, true));
        }
        direct.report("streams", lane + "-direct", out);
        gateway.report("streams", lane + "-gateway", out);
    }

    /**
     * The first burst a freshly started gateway gets. The client warms itself on one unrecorded direct burst
     * (so a cold client does not count against the gateway), then the gateway's burst, then a direct one.
     */
    static void firstBurst(String directBase, String gatewayBase, int concurrency, String model, String key, Path out)
            throws Exception {
        streams(directBase, concurrency, model, "-", true);
        Run gateway = streams(gatewayBase, concurrency, model, key, true);
        Run direct = streams(directBase, concurrency, model, "-", true);
        direct.report("streams", "first-burst-direct", out);
        gateway.report("streams", "first-burst-gateway", out);
    }

    /**
     * One stream at a time, each on a new TCP connection (a script or a serverless function), direct and
     * gateway alternating after ten unrecorded pairs; time to the first content chunk, connect included.
     */
    static void fresh(String directBase, String gatewayBase, int n, String model, String key, Path out) throws Exception {
        int warm = 10;
        long[] d = new long[n];
        long[] g = new long[n];
        long lost = 0;
        for (int i = -warm; i < n; i++) {
            Run direct = streams(directBase, 1, model, "-", false);
            Run gateway = streams(gatewayBase, 1, model, key, false);
            if (i >= 0) {
                d[i] = direct.ttft.length == 1 ? direct.ttft[0] : Long.MAX_VALUE;
                g[i] = gateway.ttft.length == 1 ? gateway.ttft[0] : Long.MAX_VALUE;
                lost += direct.lost + gateway.lost;
            }
        }
        write(out.resolve("fresh-direct.csv"), d);
        write(out.resolve("fresh-gateway.csv"), g);
        Arrays.sort(d);
        Arrays.sort(g);
        result(String.format(Locale.ROOT, "{\"scenario\":\"fresh\",\"n\":%d,\"model\":\"%s\",\"lost\":%d,"
                        + "\"direct_p50\":%.3f,\"direct_p99\":%.3f,\"gateway_p50\":%.3f,\"gateway_p99\":%.3f,"
                        + "\"added_p50\":%.3f,\"added_p99\":%.3f}",
                n, model, lost, ms(d, 50), ms(d, 99), ms(g, 50), ms(g, 99), ms(g, 50) - ms(d, 50), ms(g, 99) - ms(d, 99)));
    }

    /**
     * One direct run then one gateway run of many streams (too long to repeat), after an optional unrecorded
     * burst of short streams to each side that warms the client.
     */
    static void streamRun(String lane, String directBase, String gatewayBase, int concurrency, String model,
                          String warmModel, String key, Path out) throws Exception {
        if (!warmModel.equals("-")) {
            streams(directBase, 100, warmModel, "-", true);
            streams(gatewayBase, 100, warmModel, key, true);
        }
        streams(directBase, concurrency, model, "-", true).report("streams", lane + "-direct", out);
        streams(gatewayBase, concurrency, model, key, true).report("streams", lane + "-gateway", out);
    }

    /** What one run of concurrent streams measured; times in nanoseconds, sorted. */
    record Run(int concurrency, String model, int completed, int failed, long lost, long reordered, long[] ttft,
               long[] gaps, double wallSeconds, long[] timeline) {

        /** Two runs of the same shape as one sample (wall time: the longer). */
        static Run pool(Run a, Run b) {
            if (a == null) {
                return b;
            }
            return new Run(a.concurrency, a.model, a.completed + b.completed, a.failed + b.failed, a.lost + b.lost,
                    a.reordered + b.reordered, merge(a.ttft, b.ttft), merge(a.gaps, b.gaps),
                    Math.max(a.wallSeconds, b.wallSeconds), b.timeline);
        }

        void report(String scenario, String label, Path out) throws IOException {
            write(out.resolve("timeline-" + label + ".csv"), timeline);
            write(out.resolve("ttft-" + label + ".csv"), ttft);
            write(out.resolve("gaps-" + label + ".csv"), gaps);
            result(String.format(Locale.ROOT, "{\"scenario\":\"%s\",\"label\":\"%s\",\"concurrency\":%d,\"model\":\"%s\","
                            + "\"completed\":%d,\"failed\":%d,\"lost\":%d,\"reordered\":%d,\"ttft_p50\":%.3f,"
                            + "\"ttft_p99\":%.3f,\"gap_p50\":%.3f,\"gap_p99\":%.3f,\"bunched_pct\":%.1f,\"wall_s\":%.2f}",
                    scenario, label, concurrency, model, completed, failed, lost, reordered, ms(ttft, 50), ms(ttft, 99),
                    ms(gaps, 50), ms(gaps, 99), bunchedPercent(), wallSeconds));
        }

        /**
         * Share of chunks that came less than a fifth of the send interval after the previous one: chunks held
         * back and delivered together, which lowers the inter-chunk p50 below the pace they were sent at.
         */
        double bunchedPercent() {
            long interval = Long.parseLong(model.split("-")[2]) * 1_000_000L;
            long bunched = Arrays.stream(gaps).filter(gap -> gap < interval / 5).count();
            return gaps.length == 0 ? 0 : bunched * 100.0 / gaps.length;
        }

        private static long[] merge(long[] a, long[] b) {
            long[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            Arrays.sort(all);
            return all;
        }
    }

    /**
     * That many streams started at once from a client of its own (its own connections); every content chunk
     * is timestamped on arrival and checked for order; chunks lost counts every chunk not received, failed
     * streams included. {@code keepAlive false}: the connection closes after its stream.
     */
    static Run streams(String base, int concurrency, String model, String key, boolean keepAlive) throws Exception {
        int chunks = Integer.parseInt(model.split("-")[1]);
        boolean anthropicDirect = model.startsWith("a-") && key.equals("-");
        URI uri = URI.create(base + (anthropicDirect ? "/messages" : "/chat/completions"));
        HttpClient client = VERTX.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort()).setIdleTimeout(0).setTcpNoDelay(true).setKeepAlive(keepAlive),
                new PoolOptions().setHttp1MaxSize(concurrency + 10));
        Buffer body = Buffer.buffer("{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"hi\"}]}");
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong received = new AtomicLong();
        AtomicLong reordered = new AtomicLong();
        long[] ttft = new long[concurrency];
        long[][] arrivals = new long[concurrency][chunks];
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
            client.request(options).compose(req -> req.send(body)).compose(resp -> {
                if (resp.statusCode() != 200) {
                    return resp.body().compose(b -> Future.failedFuture("HTTP " + resp.statusCode()));
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
                            if (seq < chunks && arrivals[stream][seq] == 0) {
                                arrivals[stream][seq] = now - start;
                                received.incrementAndGet();
                            }
                            next[0] = seq + 1;
                        }
                    }
                });
                return resp.end();
            }).onComplete(ar -> {
                (ar.succeeded() ? completed : failed).incrementAndGet();
                done.complete(null);
            });
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double wall = (System.nanoTime() - runStart) / 1e9;
        client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        List<Long> gaps = new ArrayList<>();
        List<Long> firsts = new ArrayList<>();
        for (int s = 0; s < concurrency; s++) {
            if (ttft[s] > 0) {
                firsts.add(ttft[s]);
            }
            long[] a = arrivals[s];
            for (int i = 1; i < chunks; i++) {
                if (a[i] > 0 && a[i - 1] > 0) {
                    gaps.add(a[i] - a[i - 1]);
                }
            }
        }
        return new Run(concurrency, model, completed.get(), failed.get(), (long) concurrency * chunks - received.get(),
                reordered.get(), firsts.stream().mapToLong(Long::longValue).sorted().toArray(),
                gaps.stream().mapToLong(Long::longValue).sorted().toArray(), wall, arrivals[0]);
    }

    static void soak(String gateway, int perSecond, int seconds, String key) throws Exception {
        Vertx vertx = VERTX;
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

    /** {@code n} timed requests of each, alternating, after up to 3000 untimed pairs to warm both sides. */
    private static long[][] alternating(java.net.http.HttpClient client, HttpRequest first, HttpRequest second, int n)
            throws Exception {
        for (int i = 0; i < Math.min(3000, n); i++) {
            client.send(first, HttpResponse.BodyHandlers.ofByteArray());
            client.send(second, HttpResponse.BodyHandlers.ofByteArray());
        }
        long[][] times = new long[2][n];
        for (int i = 0; i < n; i++) {
            times[0][i] = timed(client, first);
            times[1][i] = timed(client, second);
        }
        return times;
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
