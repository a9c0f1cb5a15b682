package dev.corral.bench;

import dev.corral.curation.mixture.MixtureBuilder;
import dev.corral.curation.mixture.MixtureConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A mixture of at least 10M tokens from three sources of real text (pages of 10 UDHR paragraphs,
 * split 60/30/10) with LLaMA's three largest proportions renormalised (67 : 15 : 4.5): prints
 * target and achieved token shares, the largest gap in percentage points, and the wall time of the
 * build. Usage: MixtureShares TEXT_FILE WORK_DIR BUDGET_TOKENS
 */
public final class MixtureShares {
  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[1]);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("mixture-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate();
    Dataset<Row> pages =
        spark
            .read()
            .text(args[0])
            .withColumn("page", functions.floor(functions.monotonically_increasing_id().divide(10)))
            .groupBy("page")
            .agg(functions.concat_ws("\n", functions.collect_list("value")).as("text"))
            .withColumn("id", functions.col("page").cast("string"))
            .withColumn("r", functions.rand(3));
    String[] names = {"commoncrawl", "c4", "github"};
    String[] where = {"r < 0.6", "r >= 0.6 and r < 0.9", "r >= 0.9"};
    double[] share = {0.67 / 0.865, 0.15 / 0.865, 0.045 / 0.865};
    StringBuilder yaml =
        new StringBuilder(
            "name: bench\nseed: 42\nbudget_tokens: "
                + args[2]
                + "\noutput: {shards: 16, formats: [parquet]}\nsources:\n");
    for (int i = 0; i < 3; i++) {
      String path = work.resolve("sources/" + names[i]).toString();
      pages.filter(where[i]).select("id", "text").write().mode("overwrite").parquet(path);
      yaml.append(
          String.format(
              "  - {name: %s, path: '%s', format: parquet, id_column: id, proportion: %.6f, epochs: 1}%n",
              names[i],
              path,
              i == 2
                  ? 1 - Math.round(share[0] * 1e6) / 1e6 - Math.round(share[1] * 1e6) / 1e6
                  : share[i]));
    }
    Files.createDirectories(work);
    long t0 = System.nanoTime();
    MixtureBuilder.Result r =
        MixtureBuilder.build(
            spark,
            MixtureConfig.parse("bench", yaml.toString()),
            work.resolve("mixture").toString());
    double seconds = (System.nanoTime() - t0) / 1e9;
    double worst = 0;
    System.out.printf(
        "%d tokens in %d shards, built in %.1f s%n", r.totalTokens(), r.shards().size(), seconds);
    for (MixtureBuilder.SourceResult s : r.sources()) {
      double gap = 100 * Math.abs(r.achievedShare(s) - s.proportion());
      worst = Math.max(worst, gap);
      System.out.printf(
          "%-12s target %.4f%%  achieved %.4f%%  gap %.4f pp  (%d docs, %.3f epochs)%n",
          s.name(),
          100 * s.proportion(),
          100 * r.achievedShare(s),
          gap,
          s.sampledDocs(),
          (double) s.sampledTokens() / s.availableTokens());
    }
    System.out.printf("largest gap: %.4f percentage points%n", worst);
    spark.stop();
  }
}
