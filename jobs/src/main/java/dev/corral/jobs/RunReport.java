package dev.corral.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The stats report jobs write beside their output: drop-reason counts and a markdown rendering. */
final class RunReport {
  private RunReport() {}

  /** Documents per {@code drop_reason} of a written table, {@code (kept)} for none, most frequent first. */
  static Map<String, Long> byDropReason(Dataset<Row> written) {
    Map<String, Long> reasons = new LinkedHashMap<>();
    for (Row r : written.groupBy(coalesce(col("drop_reason"), lit("(kept)"))).count()
        .orderBy(col("count").desc()).collectAsList()) {
      reasons.put(r.getString(0), r.getLong(1));
    }
    return reasons;
  }

  /**
   * {@code stats} as markdown: scalar entries in one table, then each map-valued entry as a section of document
   * counts; list-valued entries are left to the caller.
   */
  static StringBuilder markdown(String title, Map<String, Object> stats) {
    StringBuilder md = new StringBuilder("# " + title + "\n\n| statistic | value |\n| --- | ---: |\n");
    stats.forEach((k, v) -> {
      if (!(v instanceof Map) && !(v instanceof List)) {
        md.append("| ").append(k.replace('_', ' ')).append(" | ").append(v).append(" |\n");
      }
    });
    stats.forEach((k, v) -> {
      if (v instanceof Map<?, ?> section) {
        md.append("\n## ").append(k.replace('_', ' ')).append("\n\n| | documents |\n| --- | ---: |\n");
        section.forEach((key, n) -> md.append("| ").append(key).append(" | ").append(n).append(" |\n"));
      }
    });
    return md;
  }
}
