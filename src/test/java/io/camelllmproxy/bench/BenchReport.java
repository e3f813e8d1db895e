package io.camelllmproxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.transform.Json;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a run's {@code summary.jsonl} and raw samples into {@code results.md} (one row per figure, with its
 * target) and two charts: the latency distribution direct vs gateway, and chunk arrival timelines.
 * Usage: {@code BenchReport <resultsDir> <machine description>}.
 */
public final class BenchReport {

    private BenchReport() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Map<String, JsonNode> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("summary.jsonl"))) {
            if (!line.isBlank()) {
                JsonNode node = Json.MAPPER.readTree(line);
                results.put(node.get("scenario").asText() + (node.has("label") ? ":" + node.get("label").asText() : ""), node);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(args.length > 1 ? args[1] : "unknown").append("  \n");
        md.append("Load generator, fake provider and gateway share the machine; direct and gateway runs alternate.\n\n");
        md.append("| # | figure | direct | gateway | added / result | target |\n|---|---|---|---|---|---|\n");
        JsonNode latency = results.get("latency");
        if (latency != null) {
            row(md, "1", "latency c=1, p50 (ms)", latency.get("direct_p50"), latency.get("gateway_p50"), f(latency, "added_p50"), "<= 0.5");
            row(md, "1", "latency c=1, p99 (ms)", latency.get("direct_p99"), latency.get("gateway_p99"), f(latency, "added_p99"), "<= 2");
        }
        JsonNode direct = results.get("throughput:direct");
        JsonNode through = results.get("throughput:gateway");
        if (direct != null && through != null) {
            row(md, "2", "throughput c=64 (req/s)", direct.get("rps"), through.get("rps"), "", ">= 5,000");
            row(md, "2", "throughput c=64, p99 (ms)", direct.get("p99"), through.get("p99"),
                    fmt(through.get("p99").asDouble() - direct.get("p99").asDouble()), "");
        }
        streamRows(md, "3", "100 streams, 64 chunks 20 ms apart", results.get("streams:openai-direct"), results.get("streams:openai-gateway"));
        streamRows(md, "5", "Anthropic lane, same load", results.get("streams:anthropic-direct"), results.get("streams:anthropic-gateway"));
        JsonNode capacity = results.get("streams:capacity-gateway");
        JsonNode capacityDirect = results.get("streams:capacity-direct");
        JsonNode capacityProc = results.get("capacity");
        if (capacity != null) {
            row(md, "4", "capacity: " + capacity.get("concurrency").asInt() + " streams of 10 s, completed", capacityDirect == null ? null
                    : capacityDirect.get("completed"), capacity.get("completed"),
                    "failed " + capacity.get("failed").asInt() + ", lost " + capacity.get("lost").asInt(), "all, 0 lost");
            row(md, "4", "capacity: wall time of the run (s)", capacityDirect == null ? null : capacityDirect.get("wall_s"),
                    capacity.get("wall_s"), "", "");
            row(md, "4", "capacity: inter-chunk p50 / p99 (ms), chunks sent 50 ms apart", capacityDirect == null ? null
                    : Json.MAPPER.getNodeFactory().textNode(cell(capacityDirect.get("gap_p50")) + " / " + cell(capacityDirect.get("gap_p99"))),
                    Json.MAPPER.getNodeFactory().textNode(cell(capacity.get("gap_p50")) + " / " + cell(capacity.get("gap_p99"))), "", "");
            if (capacityProc != null) {
                row(md, "4", "capacity: peak RSS (MiB) / peak threads", null, capacityProc.get("peak_rss_mib"),
                        capacityProc.get("peak_threads").asText() + " threads", "<= 1024 MiB");
            }
        }
        JsonNode startup = results.get("startup");
        if (startup != null) {
            row(md, "6", "start-up to first served request (s)", null, startup.get("first_request_s"), "", "<= 2");
            row(md, "6", "idle RSS after start (MiB)", null, startup.get("idle_rss_mib"), "", "<= 200");
        }
        JsonNode cds = results.get("startup-cds");
        if (cds != null) {
            row(md, "6", "start-up with an AppCDS archive (s)", null, cds.get("first_request_s"), "", "<= 2");
        }
        JsonNode soak = results.get("soakrss");
        if (soak != null) {
            row(md, "7", "soak RSS start / middle / end (MiB)", null, soak.get("end_mib"),
                    soak.get("start_mib").asText() + " / " + soak.get("middle_mib").asText() + " / " + soak.get("end_mib").asText()
                            + " (growth " + soak.get("growth_pct").asText() + " %)", "<= 5 % growth");
        }
        md.append("\n![latency](latency.png)\n\n![chunk arrival](timeline.png)\n");
        Files.writeString(dir.resolve("results.md"), md.toString());
        charts(dir);
        System.out.println(md);
    }

    private static void streamRows(StringBuilder md, String n, String what, JsonNode direct, JsonNode gateway) {
        if (direct == null || gateway == null) {
            return;
        }
        row(md, n, what + ": TTFT p50 (ms)", direct.get("ttft_p50"), gateway.get("ttft_p50"),
                fmt(gateway.get("ttft_p50").asDouble() - direct.get("ttft_p50").asDouble()), "");
        row(md, n, what + ": TTFT p99 (ms)", direct.get("ttft_p99"), gateway.get("ttft_p99"),
                fmt(gateway.get("ttft_p99").asDouble() - direct.get("ttft_p99").asDouble()), "added <= 3");
        row(md, n, what + ": inter-chunk p99 (ms)", direct.get("gap_p99"), gateway.get("gap_p99"),
                fmt(gateway.get("gap_p99").asDouble() - direct.get("gap_p99").asDouble()), "added <= 1");
        row(md, n, what + ": completed / lost / reordered", direct.get("completed"), gateway.get("completed"),
                gateway.get("lost").asInt() + " lost, " + gateway.get("reordered").asInt() + " reordered", "0 lost");
    }

    private static void row(StringBuilder md, String n, String figure, JsonNode direct, JsonNode gateway, String added, String target) {
        md.append("| ").append(n).append(" | ").append(figure).append(" | ").append(cell(direct)).append(" | ")
                .append(cell(gateway)).append(" | ").append(added).append(" | ").append(target).append(" |\n");
    }

    private static String cell(JsonNode value) {
        if (value == null) {
            return "";
        }
        return value.isNumber() && !value.isIntegralNumber() ? String.format(Locale.ROOT, value.asDouble() >= 100 ? "%.0f" : "%.3f",
                value.asDouble()) : value.asText();
    }

    private static String f(JsonNode node, String field) {
        return fmt(node.get(field).asDouble());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 || v <= -100 ? "%+.0f" : "%+.3f", v).replace("+", v >= 0 ? "+" : "");
    }

    private static void charts(Path dir) throws Exception {
        double[] d = read(dir.resolve("raw/latency-direct.csv"));
        double[] g = read(dir.resolve("raw/latency-gateway.csv"));
        if (d.length > 0 && g.length > 0) {
            Arrays.sort(d);
            Arrays.sort(g);
            double xMax = Math.max(d[(int) (d.length * 0.995) - 1], g[(int) (g.length * 0.995) - 1]);
            new LineChart("Latency distribution, c=1, non-streaming", "latency (ms)", "share of requests <= x")
                    .add("direct to fake provider", d, cdf(d.length), new Color(40, 110, 200))
                    .add("through the gateway", g, cdf(g.length), new Color(220, 90, 30))
                    .write(dir.resolve("latency.png"), xMax);
        }
        LineChart timeline = new LineChart("Chunk arrival, one stream of 64 chunks 20 ms apart (under 100 streams)",
                "arrival since request (ms)", "chunk index");
        Color[] colors = {new Color(40, 110, 200), new Color(220, 90, 30), new Color(60, 160, 80), new Color(150, 60, 170)};
        int c = 0;
        double xMax = 0;
        for (String label : List.of("openai-direct", "openai-gateway", "anthropic-direct", "anthropic-gateway")) {
            double[] t = read(dir.resolve("raw/timeline-" + label + ".csv"));
            if (t.length == 0) {
                continue;
            }
            double[] index = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                index[i] = i;
                xMax = Math.max(xMax, t[i]);
            }
            timeline.add(label, t, index, colors[c++ % colors.length]);
        }
        if (c > 0) {
            timeline.write(dir.resolve("timeline.png"), xMax * 1.02);
        }
    }

    private static double[] cdf(int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = (i + 1) / (double) n;
        }
        return y;
    }

    private static double[] read(Path file) throws Exception {
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
