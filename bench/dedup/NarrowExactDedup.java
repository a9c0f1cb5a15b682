package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import java.lang.management.ManagementFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * {@link ExactDeduplicator} as it is (whole rows shuffled and sorted by hash) against a variant
 * that shuffles only each row's hash and id, finds the clusters of more than one, and joins them
 * back to the rows by hash (broadcast), hashing every text a second time. Alternating rounds in one
 * {@code local[2]} JVM on a Parquet table (e.g. a recipe's {@code c4/filters} output), each written
 * to Parquet; prints each round's wall and process CPU seconds, then checks that both outputs have
 * the same dedup columns on every row.
 *
 * <p>Usage (from the repository root, after {@code ./mvnw -o -q -DskipTests package}):
 *
 * <pre>
 * cp="jobs/target/corral.jar:$(cat jobs/target/spark-classpath.txt)"
 * javac -d /tmp/narrow -cp "$cp" bench/dedup/NarrowExactDedup.java
 * java $(sed -n 's:.*&lt;corral.jvm.opens&gt;\(.*\)&lt;/corral.jvm.opens&gt;.*:\1:p' pom.xml) -Xmx3g \
 *   -cp "/tmp/narrow:$cp" dev.corral.curation.dedup.NarrowExactDedup TABLE OUT ROUNDS
 * </pre>
 */
public final class NarrowExactDedup {
  private NarrowExactDedup() {}

  /** The variant: clusters from (hash, id) rows alone, joined back to the rows by hash. */
  static Dataset<Row> narrow(ExactDeduplicator stage, Dataset<Row> data) {
    Column alone = stage.alreadyDropped(data.schema()).or(col(stage.getInputCol()).isNull());
    Column hash = stage.contentHash(col(stage.getInputCol()));
    WindowSpec byHash = Window.partitionBy(col("h"));
    WindowSpec ordered =
        byHash
            .orderBy(stage.keepOrder().toArray(new Column[0]))
            .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    Dataset<Row> clusters =
        data.where(not(alone))
            .select(hash.as("h"), col(stage.getIdCol()))
            .withColumn("n", count(lit(1)).over(byHash))
            .where(col("n").gt(1))
            .withColumn("kept", first(col(stage.getIdCol())).over(ordered))
            .select(col("h").as("h2"), col("kept"), col("n").as("size"))
            .dropDuplicates("h2");
    Dataset<Row> joined =
        data.withColumn("h", when(alone, lit(null)).otherwise(hash))
            .join(broadcast(clusters), col("h").equalTo(col("h2")), "left")
            .drop("h", "h2");
    return stage.annotate(joined, "kept", "size");
  }

  public static void main(String[] args) {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("narrow-exact-dedup")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    Dataset<Row> in = spark.read().parquet(args[0]);
    ExactDeduplicator stage = new ExactDeduplicator();
    stage.set(stage.idCol(), "url");
    int rounds = Integer.parseInt(args[2]);
    for (int r = 0; r < rounds; r++) {
      for (String side : new String[] {"whole", "narrow"}) {
        long wall = System.nanoTime();
        long cpu = processCpuNanos();
        Dataset<Row> out = side.equals("whole") ? stage.transform(in) : narrow(stage, in);
        out.write().mode("overwrite").parquet(args[1] + "/" + side);
        System.out.printf(
            "round %d %s: %.2f s wall, %.2f s process CPU%n",
            r, side, (System.nanoTime() - wall) / 1e9, (processCpuNanos() - cpu) / 1e9);
      }
    }
    Column[] cols = {
      col("url"), col("duplicate_of"), col("dedup_cluster"), col("cluster_size"), col("drop_reason")
    };
    Dataset<Row> whole = spark.read().parquet(args[1] + "/whole").select(cols);
    Dataset<Row> narrow = spark.read().parquet(args[1] + "/narrow").select(cols);
    System.out.printf(
        "rows %d and %d; exact duplicates %d and %d; rows of one not in the other: %d and %d%n",
        whole.count(),
        narrow.count(),
        whole.where(col("drop_reason").equalTo("exact_duplicate")).count(),
        narrow.where(col("drop_reason").equalTo("exact_duplicate")).count(),
        whole.exceptAll(narrow).count(),
        narrow.exceptAll(whole).count());
    spark.stop();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
