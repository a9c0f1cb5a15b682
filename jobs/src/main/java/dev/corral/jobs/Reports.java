package dev.corral.jobs;

import java.util.List;
import java.util.Map;

/** Pieces of the summaries jobs print: tables of counts, and the markdown of a run's statistics. */
final class Reports {
  private Reports() {}

  /** Documents per drop reason with their share, as a console table. */
  static String dropReasons(Map<String, Long> reasons) {
    long total = reasons.values().stream().mapToLong(Long::longValue).sum();
    ConsoleTable table = new ConsoleTable("drop_reason", "docs", "share");
    reasons.forEach(
        (reason, n) ->
            table.row(reason, n, String.format("%.1f%%", 100.0 * n / Math.max(1, total))));
    return table.render();
  }

  /** Documents overlapping each benchmark, as a console table. */
  static String contamination(Map<String, Long> perBenchmark, int n) {
    ConsoleTable table = new ConsoleTable("benchmark", "docs sharing a " + n + "-gram");
    perBenchmark.forEach(table::row);
    return table.render();
  }

  /**
   * {@code stats} as markdown: scalar entries in one table, then each map-valued entry as a section
   * of document counts; list-valued entries are left to the caller.
   */
  static StringBuilder markdown(String title, Map<String, Object> stats) {
    StringBuilder md =
        new StringBuilder("# " + title + "\n\n| statistic | value |\n| --- | ---: |\n");
    stats.forEach(
        (k, v) -> {
          if (!(v instanceof Map) && !(v instanceof List)) {
            md.append("| ").append(k.replace('_', ' ')).append(" | ").append(v).append(" |\n");
          }
        });
    stats.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> section) {
            md.append("\n## ")
                .append(k.replace('_', ' '))
                .append("\n\n| | documents |\n| --- | ---: |\n");
            section.forEach(
                (key, n) -> md.append("| ").append(key).append(" | ").append(n).append(" |\n"));
          }
        });
    return md;
  }
}
