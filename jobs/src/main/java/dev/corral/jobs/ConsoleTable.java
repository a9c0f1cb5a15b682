package dev.corral.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for results printed on stdout: left-aligned text, right-aligned numbers. */
final class ConsoleTable {
  private final String[] header;
  private final List<String[]> rows = new ArrayList<>();

  ConsoleTable(String... header) {
    this.header = header;
  }

  ConsoleTable row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = String.valueOf(cells[i]);
    }
    rows.add(r);
    return this;
  }

  /** The table as text, one line per row. */
  String render() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    print(new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  void print(PrintStream out) {
    int[] width = new int[header.length];
    boolean[] numeric = new boolean[header.length];
    for (int i = 0; i < header.length; i++) {
      width[i] = header[i].length();
      numeric[i] = !rows.isEmpty();
    }
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
        numeric[i] &= r[i].matches("-?[0-9.,%]+");
      }
    }
    printRow(out, header, width, numeric);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
    }
    out.println(rule);
    for (String[] r : rows) {
      printRow(out, r, width, numeric);
    }
  }

  private static void printRow(PrintStream out, String[] cells, int[] width, boolean[] numeric) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String fmt = numeric[i] ? "%" + width[i] + "s" : "%-" + width[i] + "s";
      line.append(i == 0 ? "" : "  ").append(String.format(fmt, cells[i]));
    }
    out.println(line.toString().stripTrailing());
  }
}
