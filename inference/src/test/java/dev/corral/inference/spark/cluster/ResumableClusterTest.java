package dev.corral.inference.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.job.ResumableWrite;
import dev.corral.core.testing.LocalCluster;
import dev.corral.inference.spark.LlamaScorer;
import dev.corral.inference.spark.TinyLlama;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumable scoring job on two executor JVMs loses one of them mid-job (its JVM halts while a
 * task runs): Spark retries the task elsewhere, and the Delta output still holds every input row
 * exactly once.
 */
class ResumableClusterTest {
  private static final StructType SCHEMA =
      new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
  private static SparkSession spark;
  private static String modelPath;

  @BeforeAll
  static void start() {
    modelPath = TinyLlama.dir().toString();
    spark =
        LlamaExecutors.configure(LocalCluster.builder("ResumableClusterTest").executors(2))
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.databricks.delta.snapshotPartitions", "1")
            .config("spark.task.maxFailures", "4")
            .start();
  }

  @AfterAll
  static void stop() {
    LocalCluster.stop(spark);
  }

  /**
   * Halts its executor's JVM on the row {@code killAt}, once: the first task to claim the marker
   * dies.
   */
  static final class KillExecutorOnce implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String marker;
    private final int killAt;

    KillExecutorOnce(String marker, int killAt) {
      this.marker = marker;
      this.killAt = killAt;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> out = new ArrayList<>();
      rows.forEachRemaining(
          r -> {
            if (r.getInt(0) == killAt) {
              try {
                if (new File(marker).createNewFile()) {
                  Runtime.getRuntime()
                      .halt(137); // as a kill -9 would: no shutdown hooks, no task failure report
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
            out.add(r);
          });
      return out.iterator();
    }
  }

  @Test
  void lostExecutorMidJobStillWritesEveryRowOnce(@TempDir Path tmp) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      rows.add(RowFactory.create(i, "Row " + i + " of a table whose executor dies."));
    }
    Dataset<Row> input =
        spark
            .createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 8),
                SCHEMA)
            .mapPartitions(
                new KillExecutorOnce(tmp.resolve("killed").toString(), 29), Encoders.row(SCHEMA));
    String output = tmp.resolve("scored").toString();
    LlamaScorer scorer = new LlamaScorer().setModelPath(modelPath).setBatchTokens(64);

    ResumableWrite.Result r =
        ResumableWrite.run(spark, input, scorer::transform, output, "cluster", 4);

    assertTrue(Files.exists(tmp.resolve("killed")), "an executor was killed");
    assertEquals(2, r.chunks());
    Dataset<Row> out = spark.read().format("delta").load(output);
    assertEquals(48, out.count());
    assertEquals(48, out.select("id").distinct().count());
    assertEquals(0, out.where("error is not null").count());
    assertEquals(1, ResumableWrite.committed(spark, output, r.appId()));
  }
}
