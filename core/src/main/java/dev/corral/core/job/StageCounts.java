package dev.corral.core.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.io.TextLength;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.util.QueryExecutionListener;

/**
 * Rows in and out of each stage, and how many rows carry a {@code drop_reason} after it, counted as
 * a side effect of the job's own write (Spark's observed metrics), so the counts cost no extra pass
 * over the data. Each stage's output is tagged with {@link #tag}; after the write, {@link #counts}
 * has what the last action that ran the tag reported.
 */
final class StageCounts implements QueryExecutionListener, AutoCloseable {
  private static final String PREFIX = "corral_stage_";
  private static final int WRITTEN = -1;
  private final SparkSession spark;
  private final Map<String, Row> seen = new ConcurrentHashMap<>();
  private final String run;
  private List<String> writtenReasons;
  private List<String> writtenSums = List.of();

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
   * {@code data}, the table about to be written, with what its report needs observed during the
   * write: rows, rows with a {@code dropReason} in all and for each of {@code reasons} (when it has
   * that column), and characters of {@code textColumn} in the rows without a reason (when it is
   * given and a string column), and the sum of each numeric column of {@code sums}; see {@link
   * #written}.
   */
  Dataset<Row> tagWritten(
      Dataset<Row> data,
      String dropReason,
      List<String> reasons,
      String textColumn,
      List<String> sums) {
    boolean hasReason = Arrays.asList(data.columns()).contains(dropReason);
    boolean hasText =
        textColumn != null
            && Arrays.asList(data.columns()).contains(textColumn)
            && data.schema().apply(textColumn).dataType().equals(DataTypes.StringType);
    Column reason = col("`" + dropReason + "`");
    Column text = col("`" + textColumn + "`");
    writtenReasons = hasReason ? List.copyOf(reasons) : null;
    List<Column> metrics = new ArrayList<>();
    metrics.add((hasReason ? count(reason) : lit(-1L)).as("dropped"));
    metrics.add(
        (hasText
                ? sum(hasReason ? when(reason.isNull(), TextLength.of(text)) : TextLength.of(text))
                : lit(-1L))
            .as("kept_chars"));
    for (int i = 0; hasReason && i < reasons.size(); i++) {
      metrics.add(count(when(reason.equalTo(lit(reasons.get(i))), lit(1))).as("reason_" + i));
    }
    writtenSums = new ArrayList<>();
    List<String> columns = Arrays.asList(data.columns());
    for (String c : sums) {
      if (columns.contains(c) && data.schema().apply(c).dataType() instanceof NumericType) {
        writtenSums.add(c);
        metrics.add(sum(col("`" + c + "`").cast(DataTypes.LongType)).as("sum_" + c));
      }
    }
    return data.observe(name(WRITTEN), count(lit(1)).as("rows"), metrics.toArray(new Column[0]));
  }

  /**
   * What the write reported through {@link #tagWritten}; null when nothing arrived. Its rows per
   * reason are null when the table has no reason column or holds a reason not in the list given.
   */
  JobContext.Written written() {
    Row r = seen.get(name(WRITTEN));
    if (r == null) {
      return null;
    }
    long dropped = ((Number) r.get(1)).longValue();
    Map<String, Long> byReason = null;
    if (writtenReasons != null) {
      byReason = new TreeMap<>();
      long listed = 0;
      for (int i = 0; i < writtenReasons.size(); i++) {
        long n = ((Number) r.get(3 + i)).longValue();
        listed += n;
        if (n > 0) {
          byReason.merge(writtenReasons.get(i), n, Long::sum);
        }
      }
      if (listed != dropped) {
        byReason = null; // a reason the job did not list: the report reads the table instead
      }
    }
    Map<String, Long> sums = new LinkedHashMap<>();
    for (String c : writtenSums) {
      int i = r.fieldIndex("sum_" + c);
      sums.put(c, r.isNullAt(i) ? 0 : r.getLong(i));
    }
    return new JobContext.Written(
        ((Number) r.get(0)).longValue(),
        byReason,
        r.isNullAt(2) ? 0 : ((Number) r.get(2)).longValue(),
        sums);
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
    return PREFIX + run + "_" + (i == WRITTEN ? "written" : i);
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
