package dev.corral.bench;

import dev.corral.core.io.Tables;
import dev.corral.curation.ccnet.LanguageFilter;
import dev.corral.curation.ccnet.LineDeduplicator;
import dev.corral.curation.ccnet.PerplexityBuckets;
import dev.corral.curation.ccnet.PerplexityScorer;
import dev.corral.curation.io.WarcReader;
import dev.corral.curation.langid.LanguageIdentifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Throughput of each stage of {@code corral ccnet} in Spark {@code local[2]}, with the job's
 * settings: read the WET files, line dedup, language ID and filter, perplexity, buckets and the
 * Delta write. Each stage runs alone on its input cached in memory (the previous stage's output),
 * then a {@code noop} write (the last stage writes Delta as the job does); median of N runs. Rates
 * are in MB of WET text (record blocks, 10^6 bytes) per second, so that 1 / (sum of 1 / rate) is
 * what the stages cost in a row. Usage: CcnetStages LM_DIR RUNS WET_MB WET_FILE... (WET_MB: the
 * files' text, from WetCorpus's manifest)
 */
public final class CcnetStages {
  public static void main(String[] args) throws Exception {
    String lmDir = args[0];
    int runs = Integer.parseInt(args[1]);
    double wetMb = Double.parseDouble(args[2]);
    List<String> files = Arrays.asList(args).subList(3, args.length);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ccnet-stages")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.databricks.delta.snapshotPartitions", "2")
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .getOrCreate();
    Path out = Files.createTempDirectory("ccnet-stages");

    Dataset<Row> read = WarcReader.read(spark, files).documents();
    time("read WET (gunzip, parse, strip)", wetMb, runs, () -> read, null);
    Dataset<Row> docs = cache(read);
    Dataset<Row> dedup =
        cache(
            time(
                "line dedup (2 passes)",
                wetMb,
                runs,
                () -> new LineDeduplicator().transform(docs),
                docs));
    Dataset<Row> lang =
        cache(
            time(
                "language ID + filter (lid.176)",
                wetMb,
                runs,
                () ->
                    new LanguageFilter()
                        .transform(
                            new LanguageIdentifier()
                                .setInputCol("raw_content")
                                .setMinScore(0.5)
                                .transform(dedup)),
                dedup));
    Dataset<Row> ppl =
        cache(
            time(
                "perplexity (LLaMA tokenizer, 5-gram)",
                wetMb,
                runs,
                () -> new PerplexityScorer().setLmDir(lmDir).transform(lang),
                lang));
    Function<Dataset<Row>, Dataset<Row>> buckets = d -> new PerplexityBuckets().fit(d).transform(d);
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      Tables.write(
          buckets.apply(ppl),
          out.resolve("run" + i).toString(),
          Tables.DELTA,
          "language",
          "bucket");
      times.add((System.nanoTime() - t0) / 1e9);
    }
    report("buckets + Delta write", wetMb, times, ppl);
    spark.stop();
  }

  /**
   * Runs {@code stage} {@code runs} times to a noop sink, prints its median, and returns its
   * output.
   */
  private static Dataset<Row> time(
      String name, double wetMb, int runs, Supplier<Dataset<Row>> stage, Dataset<Row> input) {
    List<Double> times = new ArrayList<>();
    Dataset<Row> last = null;
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      last = stage.get();
      last.write().format("noop").mode("overwrite").save();
      times.add((System.nanoTime() - t0) / 1e9);
    }
    report(name, wetMb, times, input);
    return last;
  }

  private static void report(String name, double wetMb, List<Double> times, Dataset<Row> input) {
    List<Double> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    double median = sorted.get(sorted.size() / 2);
    String own = "";
    if (input != null) {
      // The text this stage itself reads: dedup shrinks it for the stages after.
      Row r =
          input
              .agg(functions.sum(functions.expr("octet_length(raw_content)")), functions.count("*"))
              .first();
      own =
          String.format("; its input: %d docs, %.1f MB of text", r.getLong(1), r.getLong(0) / 1e6);
    }
    System.out.printf(
        "%-38s runs %s s, median %.2f s = %6.2f MB/s (%.2f per core)%s%n",
        name,
        sorted.stream().map(t -> String.format("%.2f", t)).toList(),
        median,
        wetMb / median,
        wetMb / median / 2,
        own);
  }

  private static Dataset<Row> cache(Dataset<Row> d) {
    Dataset<Row> cached = d.persist(StorageLevel.MEMORY_ONLY());
    cached.count();
    return cached;
  }
}
