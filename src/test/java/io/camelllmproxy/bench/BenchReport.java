package io.camelllmproxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.transform.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a run's {@code summary.jsonl} and raw samples into {@code results.md}: first the figures of issue 10's
 * target table (gateway minus direct in the same run where it applies, with the target and whether this run
 * met it), then the other figures, then the charts (see {@link BenchCharts}).
 * Usage: {@code BenchReport <resultsDir> <quick|full> <machine> <gateway JDK> <gateway JVM flags>}.
 */
public final class BenchReport {

    /**
     * Plain-request throughput at c=64 before issue 10 (bench/run, full mode, 2026-11-26), which the target
     * multiplies by 1.5.
     */
    static final double BASELINE_RPS = 7473;

    /** The counts a full run uses; a --quick run that uses fewer says so on the row. */
    private static final Map<String, Integer> FULL_COUNTS = Map.of("fresh", 40, "first-burst", 100, "openai", 100,
            "s1000", 1000, "capacity", 2000, "latency", 20000);

    private final Map<String, JsonNode> results;
    private final StringBuilder md = new StringBuilder();

    private BenchReport(Map<String, JsonNode> results) {
        this.results = results;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args[0]);
        String markdown = write(dir, args[1], args.length > 2 ? args[2] : "unknown", args.length > 3 ? args[3] : "unknown",
                args.length > 4 ? args[4] : "");
        System.out.println(markdown);
    }

    /** Writes results.md and the charts into {@code dir}; returns the Markdown. */
    static String write(Path dir, String mode, String machine, String gatewayJdk, String gatewayFlags) throws Exception {
        Map<String, JsonNode> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("summary.jsonl"))) {
            if (!line.isBlank()) {
                JsonNode node = Json.MAPPER.readTree(line);
                results.put(node.get("scenario").asText() + (node.has("label") ? ":" + node.get("label").asText() : ""), node);
            }
        }
        BenchReport report = new BenchReport(results);
        report.header(mode, machine, gatewayJdk, gatewayFlags);
        report.targets();
        report.others();
        report.definitions();
        List<String> charts = BenchCharts.draw(dir);
        report.md.append('\n');
        for (String chart : charts) {
            report.md.append("![").append(chart.replace(".png", "")).append("](").append(chart).append(")\n\n");
        }
        String markdown = report.md.toString();
        Files.writeString(dir.resolve("results.md"), markdown);
        return markdown;
    }

    private void header(String mode, String machine, String gatewayJdk, String gatewayFlags) {
        md.append("Machine: ").append(machine).append("  \n");
        md.append("Gateway JDK: ").append(gatewayJdk).append(", JVM flags '").append(gatewayFlags).append("'  \n");
        md.append("Mode: ").append(mode.equals("quick")
                ? "`--quick` (smaller counts where a row says so; the targets are for the full counts)" : "full").append("  \n");
        md.append("Load generator, fake provider and gateway share the machine; direct and gateway runs alternate in one "
                + "client process. \"added\" is gateway minus direct in the same run.\n\n");
    }

    private void targets() {
        md.append("### Targets (issue 10)\n\n");
        md.append("| figure | direct | gateway | added / result | target | met |\n|---|---|---|---|---|---|\n");
        JsonNode fresh = results.get("fresh");
        if (fresh != null) {
            String what = "one stream on a fresh connection, time to first chunk" + count("fresh", fresh.get("n").asInt());
            double added = fresh.get("added_p50").asDouble();
            row(what + ", p50 (ms)", fresh.get("direct_p50"), fresh.get("gateway_p50"), signed(added), "added <= 3 ms", added <= 3);
            row(what + ", p99 (ms)", fresh.get("direct_p99"), fresh.get("gateway_p99"),
                    signed(fresh.get("added_p99").asDouble()), "", null);
        }
        JsonNode direct = results.get("streams:openai-direct");
        JsonNode gateway = results.get("streams:openai-gateway");
        if (direct != null && gateway != null) {
            String what = "burst of " + gateway.get("concurrency").asInt() + " streams (64 chunks 20 ms apart), warm gateway"
                    + count("openai", gateway.get("concurrency").asInt());
            double ttft = added(direct, gateway, "ttft_p99");
            double gap = added(direct, gateway, "gap_p99");
            row(what + ": TTFT p99 (ms)", direct.get("ttft_p99"), gateway.get("ttft_p99"), signed(ttft), "added <= 15 ms", ttft <= 15);
            row(what + ": inter-chunk p99 (ms)", direct.get("gap_p99"), gateway.get("gap_p99"), signed(gap), "added <= 5 ms", gap <= 5);
        }
        direct = results.get("streams:first-burst-direct");
        gateway = results.get("streams:first-burst-gateway");
        if (direct != null && gateway != null) {
            double p99 = gateway.get("ttft_p99").asDouble();
            row("the first burst of " + gateway.get("concurrency").asInt() + " after start-up: TTFT p99 (ms)"
                            + count("first-burst", gateway.get("concurrency").asInt()),
                    direct.get("ttft_p99"), gateway.get("ttft_p99"), signed(added(direct, gateway, "ttft_p99")), "gateway <= 300 ms",
                    p99 <= 300);
        }
        direct = results.get("streams:s1000-direct");
        gateway = results.get("streams:s1000-gateway");
        JsonNode proc = results.get("proc:s1000");
        if (direct != null && gateway != null) {
            String what = String.format(Locale.ROOT, "%,d concurrent streams, 100 chunks 50 ms apart", gateway.get("concurrency").asInt())
                    + count("s1000", gateway.get("concurrency").asInt());
            double p50 = added(direct, gateway, "gap_p50");
            double p99 = added(direct, gateway, "gap_p99");
            double ratio = ratio(direct, gateway, "wall_s");
            long lost = gateway.get("lost").asLong();
            row(what + ": inter-chunk p50 (ms)", direct.get("gap_p50"), gateway.get("gap_p50"), signed(p50), "added <= 3 ms", p50 <= 3);
            row(what + ": inter-chunk p99 (ms)", direct.get("gap_p99"), gateway.get("gap_p99"), signed(p99), "added <= 20 ms", p99 <= 20);
            if (gateway.has("bunched_pct")) {
                row(what + ": chunks bunched, under 10 ms after the previous (%)", direct.get("bunched_pct"),
                        gateway.get("bunched_pct"), signed(added(direct, gateway, "bunched_pct")),
                        "(a p50 under direct's means chunks held back)", null);
            }
            row(what + ": wall time (s)", direct.get("wall_s"), gateway.get("wall_s"), times(ratio), "<= 1.05x", ratio <= 1.05);
            row(what + ": chunks lost (failed streams)", text(direct.get("lost").asText() + " (" + direct.get("failed").asText() + ")"),
                    text(lost + " (" + gateway.get("failed").asText() + ")"), "", "0", lost == 0);
            if (proc != null) {
                long rss = proc.get("peak_rss_mib").asLong();
                row(what + ": gateway peak RSS (MiB)", null, proc.get("peak_rss_mib"),
                        proc.get("peak_threads").asText() + " threads at peak", "<= 768 MiB", rss <= 768);
            }
            row(what + ": TTFT p99 (ms)", direct.get("ttft_p99"), gateway.get("ttft_p99"),
                    signed(added(direct, gateway, "ttft_p99")), "", null);
        }
        direct = results.get("streams:capacity-direct");
        gateway = results.get("streams:capacity-gateway");
        proc = results.get("proc:capacity");
        if (direct != null && gateway != null) {
            String what = String.format(Locale.ROOT, "%,d x 10 s streams (200 chunks 50 ms apart)", gateway.get("concurrency").asInt())
                    + count("capacity", gateway.get("concurrency").asInt());
            double ratio = ratio(direct, gateway, "wall_s");
            row(what + ": wall time (s)", direct.get("wall_s"), gateway.get("wall_s"), times(ratio), "<= 1.1x", ratio <= 1.1);
            if (proc != null) {
                long rss = proc.get("peak_rss_mib").asLong();
                long threads = proc.get("peak_threads").asLong();
                row(what + ": gateway peak RSS (MiB)", null, proc.get("peak_rss_mib"), "", "<= 1024 MiB", rss <= 1024);
                row(what + ": gateway peak threads", null, proc.get("peak_threads"), "", "< 200", threads < 200);
            }
            row(what + ": inter-chunk p50 / p99 (ms)", text(cell(direct.get("gap_p50")) + " / " + cell(direct.get("gap_p99"))),
                    text(cell(gateway.get("gap_p50")) + " / " + cell(gateway.get("gap_p99"))), "", "", null);
            row(what + ": chunks lost (failed streams)", text(direct.get("lost").asText() + " (" + direct.get("failed").asText() + ")"),
                    text(gateway.get("lost").asText() + " (" + gateway.get("failed").asText() + ")"), "", "0",
                    gateway.get("lost").asLong() == 0);
        }
        JsonNode latency = results.get("latency");
        if (latency != null) {
            String what = "plain requests, c=1" + count("latency", latency.get("n").asInt());
            double p50 = latency.get("added_p50").asDouble();
            double p99 = latency.get("added_p99").asDouble();
            row(what + ": latency p50 (ms)", latency.get("direct_p50"), latency.get("gateway_p50"), signed(p50), "added <= 0.3 ms", p50 <= 0.3);
            row(what + ": latency p99 (ms)", latency.get("direct_p99"), latency.get("gateway_p99"), signed(p99), "added <= 2 ms", p99 <= 2);
        }
        JsonNode group = results.get("group-latency");
        if (group != null) {
            String what = "model group whose first member answers, c=1" + count("latency", group.get("n").asInt());
            double p50 = group.get("added_p50").asDouble();
            row(what + ": latency p50 (ms), plain model / group", group.get("plain_p50"), group.get("group_p50"), signed(p50),
                    "added <= 0.1 ms", p50 <= 0.1);
            row(what + ": latency p99 (ms), plain model / group", group.get("plain_p99"), group.get("group_p99"),
                    signed(group.get("added_p99").asDouble()), "", null);
        }
        JsonNode observe = results.get("observe-latency");
        if (observe != null) {
            String what = "metrics and usage ledger, c=1" + count("latency", observe.get("n").asInt());
            double p50 = observe.get("added_p50").asDouble();
            row(what + ": latency p50 (ms), both off / on", observe.get("off_p50"), observe.get("on_p50"), signed(p50),
                    "added <= 0.1 ms", p50 <= 0.1);
            row(what + ": latency p99 (ms), both off / on", observe.get("off_p99"), observe.get("on_p99"),
                    signed(observe.get("added_p99").asDouble()), "", null);
        }
        JsonNode off = results.get("throughput:observe-off");
        JsonNode on = results.get("throughput:observe-on");
        if (off != null && on != null) {
            double loss = 100 * (1 - on.get("rps").asDouble() / off.get("rps").asDouble());
            row("metrics and usage ledger, c=64: throughput (req/s), both off / on", off.get("rps"), on.get("rps"),
                    String.format(Locale.ROOT, "%+.1f %%", -loss), "loss <= 5 %", loss <= 5);
        }
        direct = results.get("throughput:direct");
        gateway = results.get("throughput:gateway");
        if (direct != null && gateway != null) {
            double rps = gateway.get("rps").asDouble();
            row("plain requests, c=64: throughput (req/s)", direct.get("rps"), gateway.get("rps"),
                    times(rps / BASELINE_RPS) + " of " + String.format(Locale.ROOT, "%,.0f", BASELINE_RPS),
                    String.format(Locale.ROOT, ">= 1.5x today's (%,.0f)", 1.5 * BASELINE_RPS), rps >= 1.5 * BASELINE_RPS);
        }
        JsonNode startup = results.get("startup");
        if (startup != null) {
            double seconds = startup.get("first_request_s").asDouble();
            long rss = startup.get("idle_rss_mib").asLong();
            row("start-up to first served request (s)", null, startup.get("first_request_s"), "", "<= 2 s (default start)", seconds <= 2);
            row("idle RSS after start (MiB)", null, startup.get("idle_rss_mib"), "", "<= 200 MiB", rss <= 200);
        }
    }

    private void others() {
        md.append("\n### Other figures\n\n");
        md.append("| figure | direct | gateway | added / result |\n|---|---|---|---|\n");
        streamRows("burst of 100, OpenAI lane", results.get("streams:openai-direct"), results.get("streams:openai-gateway"));
        streamRows("burst of 100, Anthropic lane (a-64-20)", results.get("streams:anthropic-direct"),
                results.get("streams:anthropic-gateway"));
        streamRows("first burst after start-up", results.get("streams:first-burst-direct"), results.get("streams:first-burst-gateway"));
        JsonNode direct = results.get("throughput:direct");
        JsonNode gateway = results.get("throughput:gateway");
        if (direct != null && gateway != null) {
            plain("plain requests, c=64: p99 (ms) / non-2xx", text(cell(direct.get("p99")) + " / " + direct.get("non2xx").asText()),
                    text(cell(gateway.get("p99")) + " / " + gateway.get("non2xx").asText()),
                    signed(added(direct, gateway, "p99")));
        }
        JsonNode cds = results.get("startup-cds");
        if (cds != null) {
            plain("start-up with an AppCDS archive made by one training start (s)", null, cds.get("first_request_s"), "");
        }
        JsonNode soak = results.get("soakrss");
        if (soak != null) {
            plain("soak RSS start / middle / end (MiB)", null, soak.get("end_mib"),
                    soak.get("start_mib").asText() + " / " + soak.get("middle_mib").asText() + " / " + soak.get("end_mib").asText()
                            + " (growth " + soak.get("growth_pct").asText() + " %)");
        }
    }

    private void definitions() {
        md.append("""

                How the figures are taken:
                - TTFT: from sending the request (connecting included) to the arrival of the first content chunk.
                - inter-chunk: time between consecutive content chunks of one stream as the client reads them (chunks
                  that arrive in one read count as 0 ms apart); chunks lost: chunks sent but not received, failed
                  streams included.
                - fresh connection: one stream at a time, each on a new TCP connection, direct and gateway alternating
                  after 10 unrecorded pairs.
                - first burst after start-up: sent once the first request was served and idle RSS taken (about 5 s
                  after); the client first warms itself on one unrecorded burst to the fake provider; the direct
                  figure is a burst to the fake provider right after the gateway's.
                - warm bursts: a warm-up round of each side, then two recorded rounds of each, alternating, pooled.
                - 1,000 and capacity streams: one direct run, then one gateway run; the gateway's RSS and threads are
                  read from /proc every 0.2 s during both (the gateway idles during the direct run).
                - plain requests: c=1 alternating direct and gateway after a warm-up; c=64 with wrk after an unrecorded
                  warm-up round of the gateway.
                """);
    }

    private void streamRows(String what, JsonNode direct, JsonNode gateway) {
        if (direct == null || gateway == null) {
            return;
        }
        plain(what + ": TTFT p50 (ms)", direct.get("ttft_p50"), gateway.get("ttft_p50"), signed(added(direct, gateway, "ttft_p50")));
        plain(what + ": TTFT p99 (ms)", direct.get("ttft_p99"), gateway.get("ttft_p99"), signed(added(direct, gateway, "ttft_p99")));
        plain(what + ": inter-chunk p50 (ms)", direct.get("gap_p50"), gateway.get("gap_p50"), signed(added(direct, gateway, "gap_p50")));
        plain(what + ": inter-chunk p99 (ms)", direct.get("gap_p99"), gateway.get("gap_p99"), signed(added(direct, gateway, "gap_p99")));
        plain(what + ": completed / lost / reordered", direct.get("completed"), gateway.get("completed"),
                gateway.get("lost").asLong() + " lost, " + gateway.get("reordered").asLong() + " reordered");
    }

    /** " (--quick: n)" when a quick run used fewer than the full count, so no row passes for the target's shape. */
    private static String count(String scenario, int used) {
        Integer full = FULL_COUNTS.get(scenario);
        return full != null && used < full ? String.format(Locale.ROOT, " [--quick: %,d, target is for %,d]", used, full) : "";
    }

    private static double added(JsonNode direct, JsonNode gateway, String field) {
        return gateway.get(field).asDouble() - direct.get(field).asDouble();
    }

    private static double ratio(JsonNode direct, JsonNode gateway, String field) {
        return gateway.get(field).asDouble() / direct.get(field).asDouble();
    }

    private void row(String figure, JsonNode direct, JsonNode gateway, String result, String target, Boolean met) {
        md.append("| ").append(figure).append(" | ").append(cell(direct)).append(" | ").append(cell(gateway)).append(" | ")
                .append(result).append(" | ").append(target).append(" | ").append(met == null ? "" : met ? "yes" : "**no**")
                .append(" |\n");
    }

    private void plain(String figure, JsonNode direct, JsonNode gateway, String result) {
        md.append("| ").append(figure).append(" | ").append(cell(direct)).append(" | ").append(cell(gateway)).append(" | ")
                .append(result).append(" |\n");
    }

    private static JsonNode text(String value) {
        return Json.MAPPER.getNodeFactory().textNode(value);
    }

    private static String cell(JsonNode value) {
        if (value == null) {
            return "";
        }
        if (value.isNumber() && !value.isIntegralNumber()) {
            double v = value.asDouble();
            return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : v >= 10 ? "%.1f" : "%.2f", v);
        }
        return value.isIntegralNumber() ? String.format(Locale.ROOT, "%,d", value.asLong()) : value.asText();
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%+,.0f" : Math.abs(v) >= 10 ? "%+.1f" : "%+.2f", v);
    }

    private static String times(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    /** Reads one number a line (a raw sample file); missing file, no samples. */
    static double[] read(Path file) throws Exception {
        if (!Files.exists(file)) {
            return new double[0];
        }
        List<Double> values = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                values.add(Double.parseDouble(line.trim()));
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
