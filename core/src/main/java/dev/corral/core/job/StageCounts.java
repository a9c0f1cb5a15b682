package dev.corral.core.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;

/**
 * Rows in and out of each stage, and how many rows carry a {@code drop_reason} after it, counted as
 * a side effect of the job's own write (Spark's observed metrics), so the counts cost no extra pass
 * over the data. Each stage's output is tagged with {@link #tag}; after the write, {@link #counts}
 * has what the last action that ran the tag reported.
 */
final class StageCounts implements QueryExecutionListener, AutoCloseable {
  private static final String PREFIX = "corral_stage_";
  private final SparkSession spark;
  private final Map<String, Row> seen = new ConcurrentHashMap<>();
  private final String run;

  StageCounts(SparkSession spark, String run) {
    this.spark = spark;
    this.run = run;
    spark.listenerManager().register(this);
  }

  /**
   * {@code data} with its row count (and dropped count, when it has {@code dropReason}) observed as
   * stage {@code i}.
   */
  Dataset<Row> tag(Dataset<Row> data, int i, String dropReason) {
    boolean hasReason = Arrays.asList(data.columns()).contains(dropReason);
    return data.observe(
        name(i),
        count(lit(1)).as("rows"),
        (hasReason ? count(col("`" + dropReason + "`")) : lit(-1L)).as("dropped"));
  }

  /**
   * What the write reported for stage {@code i}: {@code rows} and {@code dropped} (-1 without a
   * reason column).
   */
  Map<String, Long> counts(int i) {
    Row r = seen.get(name(i));
    Map<String, Long> out = new LinkedHashMap<>();
    if (r != null) {
      out.put("rows", ((Number) r.get(0)).longValue());
      out.put("dropped", ((Number) r.get(1)).longValue());
    }
    return out;
  }

  private String name(int i) {
    return PREFIX + run + "_" + i;
  }

  @Override
  public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
    scala.collection.Iterator<scala.Tuple2<String, Row>> it = qe.observedMetrics().iterator();
    while (it.hasNext()) {
      scala.Tuple2<String, Row> e = it.next();
      if (e._1().startsWith(PREFIX + run + "_")) {
        seen.put(e._1(), e._2());
      }
    }
  }

  @Override
  public void onFailure(String funcName, QueryExecution qe, Exception exception) {}

  @Override
  public void close() {
    spark.listenerManager().unregister(this);
  }
}
