package io.camelllmproxy.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark's PNG charts, drawn with JFreeChart from the raw samples a run leaves in {@code raw/}: a chart
 * is skipped when its samples are missing (a partial run).
 */
final class BenchCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;
    /** Points drawn per distribution: enough for a smooth curve, however many samples. */
    private static final int CDF_POINTS = 1000;
    private static final Color[] PALETTE = {new Color(40, 110, 200), new Color(220, 90, 30), new Color(60, 160, 80),
            new Color(150, 60, 170)};

    private BenchCharts() {
    }

    /** Draws every chart whose samples exist into {@code dir}; returns their file names. */
    static List<String> draw(Path dir) throws Exception {
        List<String> drawn = new ArrayList<>();
        Path raw = dir.resolve("raw");
        if (distribution(dir, "latency.png", "Plain requests at c=1: latency distribution", "latency (ms)", 0.995,
                List.of("direct to fake provider", "through the gateway"),
                List.of(raw.resolve("latency-direct.csv"), raw.resolve("latency-gateway.csv")))) {
            drawn.add("latency.png");
        }
        if (timeline(dir, raw)) {
            drawn.add("timeline.png");
        }
        if (distribution(dir, "burst-ttft.png", "Bursts of 100 streams: time to first chunk", "time to first chunk (ms)", 1.0,
                List.of("direct (warm burst)", "gateway, warm", "gateway, first burst after start-up"),
                List.of(raw.resolve("ttft-openai-direct.csv"), raw.resolve("ttft-openai-gateway.csv"),
                        raw.resolve("ttft-first-burst-gateway.csv")))) {
            drawn.add("burst-ttft.png");
        }
        if (distribution(dir, "streams-1000-ttft.png", "1,000 concurrent streams: time to first chunk",
                "time to first chunk (ms)", 1.0, List.of("direct to fake provider", "through the gateway"),
                List.of(raw.resolve("ttft-s1000-direct.csv"), raw.resolve("ttft-s1000-gateway.csv")))) {
            drawn.add("streams-1000-ttft.png");
        }
        if (distribution(dir, "streams-1000-gaps.png", "1,000 concurrent streams, chunks sent 50 ms apart: time between chunks",
                "time between consecutive chunks of a stream (ms)", 0.99, List.of("direct to fake provider", "through the gateway"),
                List.of(raw.resolve("gaps-s1000-direct.csv"), raw.resolve("gaps-s1000-gateway.csv")))) {
            drawn.add("streams-1000-gaps.png");
        }
        return drawn;
    }

    /**
     * Cumulative distributions of sample files, one line each (share of samples at most x); the x axis ends at
     * the {@code clip} quantile of the widest, so one outlier does not flatten the rest.
     */
    private static boolean distribution(Path dir, String file, String title, String xLabel, double clip, List<String> names,
                                        List<Path> files) throws Exception {
        XYSeriesCollection data = new XYSeriesCollection();
        double xMax = 0;
        for (int i = 0; i < files.size(); i++) {
            double[] samples = BenchReport.read(files.get(i));
            if (samples.length == 0) {
                return false;
            }
            Arrays.sort(samples);
            xMax = Math.max(xMax, quantile(samples, clip));
            XYSeries series = new XYSeries(names.get(i), false, true);
            for (int p = 0; p <= CDF_POINTS; p++) {
                double share = p / (double) CDF_POINTS;
                series.add(quantile(samples, share), share);
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "share of samples <= x", data,
                PlotOrientation.VERTICAL, true, false, false);
        style(chart, data.getSeriesCount());
        chart.getXYPlot().getDomainAxis().setRange(0, xMax * 1.02);
        chart.getXYPlot().getRangeAxis().setRange(0, 1.0);
        ChartUtils.saveChartAsPNG(dir.resolve(file).toFile(), chart, WIDTH, HEIGHT);
        return true;
    }

    /** Arrival of each chunk of one stream (the first of its burst) since its request, per lane and side. */
    private static boolean timeline(Path dir, Path raw) throws Exception {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String label : List.of("openai-direct", "openai-gateway", "anthropic-direct", "anthropic-gateway")) {
            double[] arrivals = BenchReport.read(raw.resolve("timeline-" + label + ".csv"));
            if (arrivals.length == 0) {
                continue;
            }
            XYSeries series = new XYSeries(label, false, true);
            for (int i = 0; i < arrivals.length; i++) {
                series.add(arrivals[i], i);
            }
            data.addSeries(series);
        }
        if (data.getSeriesCount() == 0) {
            return false;
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Chunk arrival, one stream of 64 chunks 20 ms apart (in a burst of 100)",
                "arrival since request (ms)", "chunk index", data, PlotOrientation.VERTICAL, true, false, false);
        style(chart, data.getSeriesCount());
        ChartUtils.saveChartAsPNG(dir.resolve("timeline.png").toFile(), chart, WIDTH, HEIGHT);
        return true;
    }

    private static void style(JFreeChart chart, int series) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series; i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
    }

    private static double quantile(double[] sorted, double share) {
        int index = (int) Math.ceil(share * sorted.length) - 1;
        return sorted[Math.min(sorted.length - 1, Math.max(0, index))];
    }
}
