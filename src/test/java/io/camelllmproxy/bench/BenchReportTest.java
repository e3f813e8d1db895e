package io.camelllmproxy.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench report: every figure of issue 10's target table from a run's summary, and the charts drawn. */
class BenchReportTest {

    @TempDir
    Path dir;

    @Test
    void reportsEveryTargetFigureAsGatewayMinusDirectWithTheTarget() throws Exception {
        Files.writeString(dir.resolve("summary.jsonl"), String.join("\n",
                "{\"scenario\":\"startup\",\"first_request_s\":4.20,\"idle_rss_mib\":180}",
                streams("first-burst-direct", 100, 0, 60.0, 65.0, 20.0, 25.0, 2.0),
                streams("first-burst-gateway", 100, 0, 900.0, 1500.0, 20.0, 60.0, 2.5),
                "{\"scenario\":\"latency\",\"n\":3000,\"direct_p50\":0.300,\"direct_p99\":2.000,\"gateway_p50\":0.500,"
                        + "\"gateway_p99\":3.500,\"added_p50\":0.200,\"added_p99\":1.500}",
                "{\"scenario\":\"throughput\",\"label\":\"direct\",\"rps\":60000,\"p99\":8.0,\"non2xx\":0}",
                "{\"scenario\":\"throughput\",\"label\":\"gateway\",\"rps\":9000,\"p99\":20.0,\"non2xx\":0}",
                streams("openai-direct", 100, 0, 50.0, 60.0, 20.0, 24.0, 1.5),
                streams("openai-gateway", 100, 0, 55.0, 80.0, 20.0, 27.0, 1.5),
                "{\"scenario\":\"fresh\",\"n\":40,\"model\":\"s-10-1\",\"lost\":0,\"direct_p50\":2.000,\"direct_p99\":4.000,"
                        + "\"gateway_p50\":14.000,\"gateway_p99\":18.000,\"added_p50\":12.000,\"added_p99\":14.000}",
                streams("s1000-direct", 1000, 0, 100.0, 300.0, 50.0, 60.0, 8.0),
                streams("s1000-gateway", 1000, 7, 900.0, 2000.0, 51.0, 75.0, 8.16),
                "{\"scenario\":\"proc\",\"label\":\"s1000\",\"peak_rss_mib\":650,\"peak_threads\":120}",
                streams("capacity-direct", 500, 0, 100.0, 300.0, 50.0, 90.0, 10.5),
                streams("capacity-gateway", 500, 0, 400.0, 900.0, 60.0, 200.0, 21.0),
                "{\"scenario\":\"proc\",\"label\":\"capacity\",\"peak_rss_mib\":800,\"peak_threads\":250}") + "\n");
        Path raw = Files.createDirectories(dir.resolve("raw"));
        for (String name : List.of("latency-direct", "latency-gateway", "ttft-s1000-direct", "ttft-s1000-gateway",
                "gaps-s1000-direct", "gaps-s1000-gateway", "timeline-openai-direct", "timeline-openai-gateway")) {
            Files.writeString(raw.resolve(name + ".csv"), IntStream.range(1, 200)
                    .mapToObj(i -> String.format(Locale.ROOT, "%.4f", i * 0.5)).collect(Collectors.joining("\n")));
        }

        String md = BenchReport.write(dir, "quick", "2 cores", "openjdk 17", "-Xss256k");

        assertEquals(md, Files.readString(dir.resolve("results.md")));
        assertTrue(md.contains("Gateway JDK: openjdk 17, JVM flags '-Xss256k'") && md.contains("`--quick`"), md);
        assertRow(md, "fresh connection, time to first chunk, p50", "| 2.00 | 14.0 | +12.0 | added <= 3 ms | **no** |");
        assertRow(md, "warm gateway: TTFT p99", "| 60.0 | 80.0 | +20.0 | added <= 15 ms | **no** |");
        assertRow(md, "warm gateway: inter-chunk p99", "| 24.0 | 27.0 | +3.00 | added <= 5 ms | yes |");
        assertRow(md, "first burst of 100 after start-up: TTFT p99", "| 65.0 | 1,500 |", "| **no** |");
        assertRow(md, "1,000 concurrent streams, 100 chunks 50 ms apart: inter-chunk p50", "+1.00 | added <= 3 ms | yes");
        assertRow(md, "1,000 concurrent streams, 100 chunks 50 ms apart: inter-chunk p99", "+15.0 | added <= 20 ms | yes");
        assertRow(md, "1,000 concurrent streams, 100 chunks 50 ms apart: wall time", "1.02x | <= 1.05x | yes");
        assertRow(md, "1,000 concurrent streams, 100 chunks 50 ms apart: chunks bunched", "| 2.00 | 2.00 | +0.00 |");
        assertRow(md, "chunks lost (failed streams)", "| 7 (0) |", "**no**");
        assertRow(md, "1,000 concurrent streams, 100 chunks 50 ms apart: gateway peak RSS", "| 650 |", "yes");
        assertRow(md, "x 10 s streams (200 chunks 50 ms apart) [--quick: 500, target is for 2,000]: wall time", "2.00x | <= 1.1x | **no**");
        assertRow(md, "gateway peak threads", "| 250 |", "< 200 | **no**");
        assertRow(md, "plain requests, c=1 [--quick: 3,000, target is for 20,000]: latency p50", "+0.20", "yes");
        assertRow(md, "plain requests, c=64: throughput", String.format(Locale.ROOT, "%.2fx", 9000 / BenchReport.BASELINE_RPS));
        assertRow(md, "start-up to first served request", "| 4.20 |", "**no**");
        assertRow(md, "idle RSS", "| 180 |", "yes");

        for (String chart : List.of("latency.png", "timeline.png", "streams-1000-ttft.png", "streams-1000-gaps.png")) {
            assertTrue(md.contains("](" + chart + ")"), chart);
            BufferedImage image = ImageIO.read(dir.resolve(chart).toFile());
            assertEquals(900, image.getWidth(), chart);
        }
        // no samples for the burst chart in this run: no chart, no broken link
        assertFalse(Files.exists(dir.resolve("burst-ttft.png")));
        assertFalse(md.contains("burst-ttft.png"), md);
    }

    private static String streams(String label, int concurrency, int lost, double ttftP50, double ttftP99, double gapP50,
                                  double gapP99, double wall) {
        return String.format(Locale.ROOT, "{\"scenario\":\"streams\",\"label\":\"%s\",\"concurrency\":%d,\"model\":\"m\","
                        + "\"completed\":%d,\"failed\":0,\"lost\":%d,\"reordered\":0,\"ttft_p50\":%.3f,\"ttft_p99\":%.3f,"
                        + "\"gap_p50\":%.3f,\"gap_p99\":%.3f,\"bunched_pct\":%.1f,\"wall_s\":%.2f}",
                label, concurrency, concurrency, lost, ttftP50, ttftP99, gapP50, gapP99, gapP50 < 10 ? 60.0 : 2.0, wall);
    }

    private static void assertRow(String md, String containing, String... cells) {
        String row = md.lines().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no row with: " + containing + "\n" + md));
        for (String cell : cells) {
            assertTrue(row.contains(cell), () -> "expected '" + cell + "' in: " + row);
        }
    }
}
