package dev.corral.bench;

import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.StreamPredictor;
import dev.corral.curation.langid.LanguageIdentifier;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput of {@link LanguageIdentifier} in Spark {@code local[2]} against the same model
 * predicting the same text outside Spark ({@link StreamPredictor} on 2 threads), in one JVM,
 * medians of N runs. Usage: LangIdThroughput TEXT_FILE MODEL RUNS
 */
public final class LangIdThroughput {
  public static void main(String[] args) throws Exception {
    Path text = Path.of(args[0]);
    String model = args[1];
    int runs = Integer.parseInt(args[2]);
    long bytes = Files.size(text);
    long docs;
    try (var lines = Files.lines(text)) {
      docs = lines.count();
    }

    FastTextModel ft = FastTextModel.load(Path.of(model));
    List<Double> engine = new ArrayList<>();
    for (int i = 0; i < runs + 1; i++) {
      long t0 = System.nanoTime();
      try (var in = Files.newInputStream(text)) {
        new StreamPredictor(ft, 1, 0f, true, 2).run(in, OutputStream.nullOutputStream());
      }
      if (i > 0) {
        engine.add((System.nanoTime() - t0) / 1e9); // the first run warms the JIT
      }
    }

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("langid-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.files.maxPartitionBytes", String.valueOf(4 << 20))
            .getOrCreate();
    Dataset<Row> input =
        spark.read().text(text.toString()).withColumnRenamed("value", "text").cache();
    long rows = input.count();
    int partitions = input.rdd().getNumPartitions();
    LanguageIdentifier stage = new LanguageIdentifier().setModelPath(model);
    List<Double> sparkTimes = new ArrayList<>();
    for (int i = 0; i < runs + 1; i++) {
      long t0 = System.nanoTime();
      stage.transform(input).write().format("noop").mode("overwrite").save();
      if (i > 0) {
        sparkTimes.add((System.nanoTime() - t0) / 1e9);
      }
    }
    spark.stop();

    double e = median(engine);
    double s = median(sparkTimes);
    System.out.printf(
        "input: %s, %.1f MB, %d docs (%d rows in Spark, %d partitions)%n",
        text, bytes / 1e6, docs, rows, partitions);
    System.out.printf(
        "engine outside Spark (2 threads): runs %s s, median %.3f s = %.1f MB/s, %.0f docs/s%n",
        engine, e, bytes / 1e6 / e, docs / e);
    System.out.printf(
        "LanguageIdentifier in local[2]:   runs %s s, median %.3f s = %.1f MB/s, %.0f docs/s%n",
        sparkTimes, s, bytes / 1e6 / s, docs / s);
    System.out.printf("spark/engine throughput = %.2f%n", e / s);
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
