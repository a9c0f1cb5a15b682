package dev.corral.core.job;

import dev.corral.core.Errors;
import dev.corral.core.io.Fingerprint;
import dev.corral.core.io.Tables;
import java.io.Serializable;
import java.util.function.UnaryOperator;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import scala.Option;
import scala.runtime.AbstractFunction1;

/**
 * Writes a stage's output to a Delta table so that a job killed half way and started again writes
 * every row exactly once, and redoes only the uncommitted part.
 *
 * <p>The input's partitions are cut into consecutive chunks of {@code partitionsPerCommit}; chunk
 * {@code c} runs as its own Spark job (its partitions in parallel) and is one Delta commit made
 * with Delta's idempotent writes ({@code txnAppId} = the run's id, {@code txnVersion} = {@code c}).
 * Delta records the pair in the same atomic commit as the data, and ignores a write whose version
 * is not above the recorded one. A restart reads the recorded version and starts after it. A task
 * lost inside a chunk (a dead executor) is retried by Spark and the chunk still commits once.
 *
 * <p>A run's id names the job, its settings, the input's partition count and {@code
 * partitionsPerCommit}, so a restart must see the same partitioning of the same input (same files,
 * same Spark settings); another partitioning is another run, which overwrites the table from its
 * first chunk.
 */
public final class ResumableWrite {
  private ResumableWrite() {}

  /** What a run did. */
  public record Result(String appId, int chunks, int skipped) {}

  /**
   * Runs {@code stage} over {@code input} chunk by chunk into the Delta table at {@code output}.
   *
   * @param runKey the job and everything that decides its rows (model, input, settings)
   */
  public static Result run(
      SparkSession spark,
      Dataset<Row> input,
      UnaryOperator<Dataset<Row>> stage,
      String output,
      String runKey,
      int partitionsPerCommit) {
    if (partitionsPerCommit <= 0) {
      throw Errors.badInput("partitionsPerCommit", "must be positive, is " + partitionsPerCommit);
    }
    RDD<Row> rdd = input.rdd();
    int partitions = rdd.getNumPartitions();
    int chunks = Math.max(1, (partitions + partitionsPerCommit - 1) / partitionsPerCommit);
    String appId =
        "corral-" + Fingerprint.shortSha256(runKey) + "-" + partitions + "x" + partitionsPerCommit;
    long done = committed(spark, output, appId);
    int skipped = (int) Math.min(chunks, done + 1);
    for (int c = skipped; c < chunks; c++) {
      int from = c * partitionsPerCommit;
      int to = Math.min(partitions, from + partitionsPerCommit);
      RDD<Row> part = PartitionPruningRDD.create(rdd, new Range(from, to));
      Dataset<Row> chunk = spark.createDataFrame(part, input.schema());
      Dataset<Row> rows = stage.apply(chunk);
      var writer = rows.write().format("delta").option("txnAppId", appId).option("txnVersion", c);
      if (c == 0) {
        // the run's first commit replaces what another run (or an older schema) left there
        writer = writer.mode(SaveMode.Overwrite).option("overwriteSchema", "true");
      } else {
        writer = writer.mode(SaveMode.Append);
      }
      var save = writer;
      Tables.withParquetSettings(rows, () -> save.save(output));
    }
    return new Result(appId, chunks, skipped);
  }

  /** The last chunk committed to {@code output} by run {@code appId}, -1 for none (or no table). */
  public static long committed(SparkSession spark, String output, String appId) {
    DeltaLog log = DeltaLog.forTable(spark, output);
    if (!log.tableExists()) {
      return -1;
    }
    Option<Object> v = log.update(false, Option.empty(), Option.empty()).transactions().get(appId);
    return v.isDefined() ? ((Number) v.get()).longValue() : -1;
  }

  /** Keeps partition indexes in [from, to). */
  private static final class Range extends AbstractFunction1<Object, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int from;
    private final int to;

    Range(int from, int to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public Object apply(Object index) {
      int i = (Integer) index;
      return i >= from && i < to;
    }
  }
}
