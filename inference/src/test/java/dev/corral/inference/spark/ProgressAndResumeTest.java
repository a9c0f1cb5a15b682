package dev.corral.inference.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.job.ResumableWrite;
import dev.corral.core.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * The progress counters and line of the LLaMA stages, and resumable writes (a run stopped half
 * way).
 */
class ProgressAndResumeTest {
  private static SparkSession spark;
  private static String modelPath;

  @BeforeAll
  static void start() {
    spark = TestSpark.startWithExtensions("ProgressAndResumeTest");
    modelPath = TinyLlama.dir().toString();
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static final StructType SCHEMA =
      new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);

  static Dataset<Row> texts(int n, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(
          RowFactory.create(i, i % 7 == 3 ? "" : "Row " + i + " says hello to the tiny model."));
    }
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
        SCHEMA);
  }

  @Test
  void scorerCountsRowsErrorsAndTokens() {
    LlamaScorer scorer = new LlamaScorer().setModelPath(modelPath).setBatchTokens(64);
    Dataset<Row> out = scorer.transform(texts(20, 3)).cache();
    Row totals =
        out.agg(sum(col("error").isNotNull().cast("long")), sum(col("tokens").plus(1))).first();
    InferenceMetrics.Snapshot s = scorer.lastMetrics().snapshot();
    assertEquals(20, s.rows());
    assertEquals(totals.getLong(0), s.errors());
    assertEquals(3, s.errors(), "the empty texts");
    assertEquals(
        totals.getLong(1),
        s.tokensIn(),
        "a scored text's tokens are its BOS plus the tokens scored");
    assertEquals(0, s.tokensOut());
  }

  @Test
  void generatorCountsTokensOutAndSharedMetricsAdd() {
    InferenceMetrics metrics = InferenceMetrics.register(spark.sparkContext(), "test");
    List<Row> prompts = List.of(RowFactory.create(0, "Once upon"), RowFactory.create(1, "The cat"));
    Dataset<Row> in =
        spark.createDataFrame(
            prompts,
            new StructType().add("id", DataTypes.IntegerType).add("prompt", DataTypes.StringType));
    LlamaGenerator gen =
        new LlamaGenerator().setModelPath(modelPath).setMaxNewTokens(4).setMetrics(metrics);
    long out = gen.transform(in).agg(sum(size(col("generated_tokens")))).first().getLong(0);
    long out2 = gen.transform(in).agg(sum(size(col("generated_tokens")))).first().getLong(0);
    InferenceMetrics.Snapshot s = metrics.snapshot();
    assertEquals(4, s.rows());
    assertEquals(out + out2, s.tokensOut());
    assertTrue(s.tokensIn() >= 4, "prompt tokens, BOS included: " + s.tokensIn());
    assertEquals(metrics, gen.lastMetrics());
  }

  @Test
  void progressLine() {
    InferenceMetrics.Snapshot s = new InferenceMetrics.Snapshot(250, 2, 3000, 1000);
    assertEquals(
        "score: 250/1000 rows (25%), 2 errors, 400.0 tokens/s, ETA 30s",
        InferenceProgress.line("score", s, 1000, 10));
    assertEquals(
        "score: 0/1000 rows (0%), 0 errors, 0.0 tokens/s, ETA ?",
        InferenceProgress.line("score", new InferenceMetrics.Snapshot(0, 0, 0, 0), 1000, 0));
    assertEquals(
        "score: 1000/1000 rows (100%), 0 errors, 10.0 tokens/s, ETA 0s",
        InferenceProgress.line("score", new InferenceMetrics.Snapshot(1000, 0, 10, 0), 1000, 1));
    assertEquals("1m05s", InferenceProgress.duration(65));
    assertEquals("2h03m", InferenceProgress.duration(7380));
  }

  @Test
  void progressThreadPrintsWhileTheJobRunsAndSummarizes() throws Exception {
    LlamaScorer scorer = new LlamaScorer().setModelPath(modelPath).setBatchTokens(64);
    InferenceMetrics metrics = InferenceMetrics.register(spark.sparkContext(), "progress");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String summary;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        InferenceProgress progress =
            new InferenceProgress(spark.sparkContext(), metrics, 30, "score", out, 20)) {
      scorer.setMetrics(metrics).transform(texts(30, 4)).collectAsList();
      Thread.sleep(100);
      assertEquals(30, progress.current().rows());
      summary = progress.summary();
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("score: 30/30 rows (100%)"), printed);
    assertTrue(summary.startsWith("score: 30 rows, 4 errors, "), summary);
    assertTrue(summary.contains("tokens in, 0 tokens out"), summary);
  }

  /**
   * Fails a task on the row with id {@code failAt} while the marker file exists, as if the job were
   * killed.
   */
  static final class FailWhileMarked implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String marker;
    private final int failAt;

    FailWhileMarked(String marker, int failAt) {
      this.marker = marker;
      this.failAt = failAt;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(
          r -> {
            if (r.getInt(0) == failAt && Files.exists(Path.of(marker))) {
              throw new IllegalStateException("interrupted at row " + failAt);
            }
            all.add(r);
          });
      return all.iterator();
    }
  }

  @Test
  void restartedRunSkipsCommittedChunksAndWritesEveryRowOnce(@TempDir Path tmp) throws Exception {
    String output = tmp.resolve("scored").toString();
    Path marker = Files.createFile(tmp.resolve("interrupt"));
    // 8 partitions of 5 rows, 2 partitions per commit: chunk 2 holds rows 20..29.
    Dataset<Row> input = texts(40, 8);
    Dataset<Row> interrupted =
        input.mapPartitions(new FailWhileMarked(marker.toString(), 23), Encoders.row(SCHEMA));
    LlamaScorer scorer = new LlamaScorer().setModelPath(modelPath).setBatchTokens(64);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                ResumableWrite.run(spark, interrupted, scorer::transform, output, "score test", 2));
    assertTrue(
        String.valueOf(e).contains("interrupted")
            || String.valueOf(e.getCause()).contains("interrupted")
            || e.toString().contains("Job aborted"),
        e.toString());
    Dataset<Row> first = spark.read().format("delta").load(output);
    assertEquals(20, first.count(), "chunks 0 and 1 committed");

    Files.delete(marker);
    InferenceMetrics metrics = InferenceMetrics.register(spark.sparkContext(), "resume");
    ResumableWrite.Result r =
        ResumableWrite.run(
            spark, interrupted, scorer.setMetrics(metrics)::transform, output, "score test", 2);
    assertEquals(4, r.chunks());
    assertEquals(2, r.skipped());
    assertEquals(
        20, metrics.snapshot().rows(), "the second run scored only the rows not yet committed");
    Dataset<Row> all = spark.read().format("delta").load(output);
    assertEquals(40, all.count());
    assertEquals(40, all.select("id").distinct().count());
    assertEquals(3, ResumableWrite.committed(spark, output, r.appId()));

    // Run again: nothing left to do, nothing written twice.
    ResumableWrite.Result again =
        ResumableWrite.run(spark, input, scorer::transform, output, "score test", 2);
    assertEquals(4, again.skipped());
    assertEquals(40, spark.read().format("delta").load(output).count());
  }
}
