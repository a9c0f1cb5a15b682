package dev.corral.curation.lm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * {@link NgramCounts}'s adjusted counts computed with Spark: two aggregations that scale with the
 * cluster.
 *
 * <ol>
 *   <li>every n-gram occurrence of orders 1..N ({@link NgramCounts#ngramsOf}) is a row, counted
 *       with {@code groupBy(ngram).count()} (Spark combines map-side, as lmplz's hash-table
 *       combiner does);
 *   <li>each distinct n-gram of order 2 or more adds one to its suffix (the n-gram without its
 *       first word), again with {@code groupBy}: the continuation counts;
 *   <li>a join picks, per n-gram, the occurrence count (highest order, or starting with {@code
 *       <s>}) or the continuation count (the rest).
 * </ol>
 *
 * The result, one row per distinct n-gram, is what {@link NgramTrainer} collects to the driver; the
 * shuffles move each n-gram a constant number of times, so counting is bound by the cluster, not
 * the driver.
 */
public final class SparkNgramCounter {
  private SparkNgramCounter() {}

  /**
   * Columns {@code ngram} (words joined by spaces), {@code order} and {@code count} (the adjusted
   * count).
   */
  public static Dataset<Row> adjustedCounts(Dataset<String> lines, int order) {
    // A named class, not a lambda over `this`: the closure carries only the order.
    Dataset<String> occurrences = lines.flatMap(new Occurrences(order), Encoders.STRING());
    Dataset<Row> raw =
        occurrences
            .groupBy("value")
            .count()
            .withColumnRenamed("value", "ngram")
            .withColumn("order", size(split(col("ngram"), " ")));
    Dataset<Row> continuations =
        raw.filter(col("order").geq(2))
            .select(expr("substring(ngram, instr(ngram, ' ') + 1)").as("suffix"))
            .groupBy("suffix")
            .count()
            .withColumnRenamed("count", "continuations");
    return raw.join(continuations, raw.col("ngram").equalTo(continuations.col("suffix")), "left")
        .select(
            col("ngram"),
            col("order"),
            when(
                    col("order").equalTo(order).or(col("ngram").startsWith(NgramModel.BOS + " ")),
                    col("count"))
                .otherwise(col("continuations"))
                .as("count"));
  }

  /** Counts {@code lines} with Spark and brings the adjusted counts to the driver. */
  public static NgramCounts count(Dataset<String> lines, int order) {
    NgramCounts.Builder builder = new NgramCounts.Builder(order);
    Iterator<Row> rows = adjustedCounts(lines, order).toLocalIterator();
    while (rows.hasNext()) {
      Row r = rows.next();
      builder.add(r.getString(0), r.getLong(2));
    }
    return builder.build();
  }

  private static final class Occurrences implements FlatMapFunction<String, String> {
    private static final long serialVersionUID = 1L;
    private final int order;

    Occurrences(int order) {
      this.order = order;
    }

    @Override
    public Iterator<String> call(String line) {
      return NgramCounts.ngramsOf(line == null ? "" : line, order).iterator();
    }
  }
}
