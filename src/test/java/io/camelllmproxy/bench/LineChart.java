package io.camelllmproxy.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small PNG line chart drawn with Java2D, so the harness needs no charting library. */
final class LineChart {

    record Series(String name, double[] x, double[] y, Color color) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    LineChart add(String name, double[] x, double[] y, Color color) {
        series.add(new Series(name, x, y, color));
        return this;
    }

    void write(Path file, double xMax) throws IOException {
        int width = 900;
        int height = 500;
        int left = 80;
        int right = 30;
        int top = 50;
        int bottom = 60;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.y().length; i++) {
                if (s.x()[i] <= xMax) {
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        yMax = yMax <= 0 ? 1 : yMax * 1.05;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        g.setColor(new Color(235, 235, 235));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int t = 0; t <= 5; t++) {
            int y = top + plotH - t * plotH / 5;
            int x = left + t * plotW / 5;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, y, left + plotW, y);
            g.drawLine(x, top, x, top + plotH);
            g.setColor(Color.DARK_GRAY);
            g.drawString(format(yMax * t / 5), 8, y + 4);
            g.drawString(format(xMax * t / 5), x - 12, top + plotH + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, plotW, plotH);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(xLabel, left + plotW / 2 - 40, height - 20);
        g.drawString(yLabel, 8, top - 10);
        int legendY = top + 18;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2f));
            int[] xs = new int[s.x().length];
            int[] ys = new int[s.x().length];
            int n = 0;
            for (int i = 0; i < s.x().length; i++) {
                if (s.x()[i] > xMax) {
                    continue;
                }
                xs[n] = left + (int) (s.x()[i] / xMax * plotW);
                ys[n] = top + plotH - (int) (s.y()[i] / yMax * plotH);
                n++;
            }
            g.drawPolyline(xs, ys, n);
            g.fillRect(left + plotW - 210, legendY - 9, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), left + plotW - 190, legendY);
            legendY += 18;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
