package dev.corral.bench;

import dev.corral.curation.ccnet.LineDeduplicator;
import dev.corral.curation.classify.FastTextTrainer;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.mixture.TokenCounter;
import dev.corral.curation.quality.QualityClassifier;
import dev.corral.curation.quality.heuristics.C4Filter;
import dev.corral.curation.quality.heuristics.GopherQualityFilter;
import dev.corral.curation.quality.heuristics.GopherRepetitionFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Throughput of each curation stage (and the token counter) in Spark {@code local[2]}: documents of
 * 10 UDHR paragraphs each (real text, 266 languages) cached in memory, each stage alone then a
 * {@code noop} write, medians of N runs. The reference, measured in the same run, is the same pass
 * with no stage (scan and write only). Usage: StageThroughput TEXT_FILE RUNS
 */
public final class StageThroughput {
  public static void main(String[] args) throws Exception {
    Path text = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("stage-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate();
    // Pages of 10 consecutive paragraphs, joined by newlines, as a crawl would give them.
    Dataset<Row> docs =
        spark
            .read()
            .text(text.toString())
            .withColumn("page", functions.floor(functions.monotonically_increasing_id().divide(10)))
            .groupBy("page")
            .agg(functions.concat_ws("\n", functions.collect_list("value")).as("text"))
            .repartition(8)
            .cache();
    long n = docs.count();
    double mb =
        docs.agg(functions.sum(functions.length(functions.col("text")))).first().getLong(0) / 1e6;

    Path model = Files.createTempFile("quality", ".bin");
    Dataset<Row> labelled =
        docs.limit(4000)
            .withColumn("label", functions.when(functions.rand(1).lt(0.5), "wiki").otherwise("cc"));
    new FastTextTrainer()
        .setModelPath(model.toString())
        .setDim(16)
        .setEpoch(1)
        .setBucket(100_000)
        .setWordNgrams(2)
        .fit(labelled);

    Map<String, Transformer> stages = new LinkedHashMap<>();
    stages.put("(scan only: the reference)", null);
    stages.put("LanguageIdentifier", new LanguageIdentifier());
    stages.put("QualityClassifier", new QualityClassifier().setModelPath(model.toString()));
    stages.put("GopherQualityFilter", new GopherQualityFilter());
    stages.put("GopherRepetitionFilter", new GopherRepetitionFilter());
    stages.put("C4Filter", new C4Filter());
    stages.put("TokenCounter (LLaMA tokenizer)", new TokenCounter());
    stages.put("LineDeduplicator (CCNet)", new LineDeduplicator().setInputCol("text"));
    System.out.printf("input: %s as %d pages, %.1f MB of text, local[2]%n", text, n, mb);
    double reference = 0;
    for (Map.Entry<String, Transformer> e : stages.entrySet()) {
      List<Double> times = new ArrayList<>();
      for (int i = 0; i < runs + 1; i++) {
        long t0 = System.nanoTime();
        Dataset<Row> out = e.getValue() == null ? docs : e.getValue().transform(docs);
        out.write().format("noop").mode("overwrite").save();
        if (i > 0) {
          times.add((System.nanoTime() - t0) / 1e9); // the first run warms the JIT
        }
      }
      Collections.sort(times);
      double median = times.get(times.size() / 2);
      if (e.getValue() == null) {
        reference = median;
      }
      System.out.printf(
          "%-28s runs %s s, median %.2f s = %6.1f MB/s (%.1f MB/s per core), x%.1f the scan's time%n",
          e.getKey(), times, median, mb / median, mb / median / 2, median / reference);
    }
    spark.stop();
  }
}
