package dev.corral.curation.mixture;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A horizontal grouped bar chart as PNG bytes, drawn with Java2D (headless; no charting
 * dependency): the mixture's report and the recipe's data card draw theirs with it.
 */
public final class BarChart {
  private static final Color[] PALETTE = {
    new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B), new Color(0xE45756)
  };

  private BarChart() {}

  /**
   * @param labels one row per label
   * @param series the legend, one entry per value column
   * @param values values[row][series], non-negative
   * @param unit appended to the printed values (e.g. "%")
   */
  public static byte[] png(
      String title, String[] labels, String[] series, double[][] values, String unit) {
    System.setProperty("java.awt.headless", "true");
    int rowHeight = 14 * series.length + 10;
    int width = 900;
    int left = 170;
    int top = 50;
    int height = top + rowHeight * labels.length + 30;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, 10, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int s = 0; s < series.length; s++) {
      g.setColor(PALETTE[s % PALETTE.length]);
      g.fillRect(left + s * 160, 32, 10, 10);
      g.setColor(Color.BLACK);
      g.drawString(series[s], left + s * 160 + 14, 41);
    }
    double max = 0;
    for (double[] row : values) {
      for (double v : row) {
        max = Math.max(max, v);
      }
    }
    int plot = width - left - 90;
    for (int r = 0; r < labels.length; r++) {
      int y = top + r * rowHeight;
      g.setColor(Color.BLACK);
      g.drawString(labels[r], 10, y + rowHeight / 2 + 4);
      for (int s = 0; s < series.length; s++) {
        double v = values[r][s];
        int w = max == 0 ? 0 : (int) Math.round(plot * v / max);
        g.setColor(PALETTE[s % PALETTE.length]);
        g.fillRect(left, y + 4 + s * 14, Math.max(1, w), 12);
        g.setColor(Color.DARK_GRAY);
        g.drawString(format(v) + unit, left + w + 4, y + 14 + s * 14);
      }
    }
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1));
    g.drawLine(left, top - 2, left, height - 25);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code v} shortened for a label: 1.20M, 45.3k, 12, 0.25. */
  public static String format(double v) {
    if (v >= 1e9) {
      return String.format("%.2fB", v / 1e9);
    }
    if (v >= 1e6) {
      return String.format("%.2fM", v / 1e6);
    }
    if (v >= 1e4) {
      return String.format("%.1fk", v / 1e3);
    }
    return v == Math.rint(v) && Math.abs(v) < 1e4
        ? String.format("%.0f", v)
        : String.format("%.2f", v);
  }
}
