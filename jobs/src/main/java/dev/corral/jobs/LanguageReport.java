package dev.corral.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.sum;

import dev.corral.core.io.TextLength;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The per-language table that {@code langid} and {@code demo} print: documents, share, bytes, mean
 * score.
 */
final class LanguageReport {
  private LanguageReport() {}

  /** The table, as text. */
  static String table(
      Dataset<Row> annotated,
      String textColumn,
      String languageColumn,
      String scoreColumn,
      int top) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    print(annotated, textColumn, languageColumn, scoreColumn, top, out);
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static void print(
      Dataset<Row> annotated,
      String textColumn,
      String languageColumn,
      String scoreColumn,
      int top,
      PrintStream out) {
    List<Row> rows =
        annotated
            .groupBy(col(languageColumn))
            .agg(
                count("*").as("docs"),
                sum(TextLength.of(col(textColumn))).as("chars"),
                avg(col(scoreColumn)).as("mean_score"))
            .orderBy(desc("docs"), col(languageColumn))
            .collectAsList();
    long total = rows.stream().mapToLong(r -> r.getLong(1)).sum();
    ConsoleTable table = new ConsoleTable("language", "docs", "share", "chars", "mean score");
    int shown = 0;
    long rest = 0;
    for (Row r : rows) {
      if (shown++ < top) {
        table.row(
            r.isNullAt(0) ? "(null text)" : r.getString(0),
            r.getLong(1),
            String.format("%.1f%%", 100.0 * r.getLong(1) / Math.max(1, total)),
            r.isNullAt(2) ? 0 : r.getLong(2),
            r.isNullAt(3) ? "" : String.format("%.3f", r.getDouble(3)));
      } else {
        rest += r.getLong(1);
      }
    }
    if (rest > 0) {
      table.row(
          "(" + (rows.size() - top) + " more)",
          rest,
          String.format("%.1f%%", 100.0 * rest / total),
          "",
          "");
    }
    table.print(out);
    out.printf("%d documents, %d languages%n", total, rows.size());
  }
}
