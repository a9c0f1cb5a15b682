package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

import dev.corral.curation.classify.FastTextClassifier;
import dev.corral.curation.classify.FastTextTrainer;
import dev.corral.core.io.Tables;
import dev.corral.curation.quality.QualityClassifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral quality ...}: LLaMA's Wikipedia-reference page classifier. */
@Command(name = "quality", mixinStandardHelpOptions = true,
    description = "The Wikipedia-reference quality classifier (LLaMA section 2.1).",
    subcommands = {QualityCommand.Train.class})
final class QualityCommand {

  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Train the classifier on reference pages (positives) against random pages (negatives); "
          + "writes a fastText .bin for QualityClassifier and prints held-out precision and recall.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--positives", required = true, description = "Pages cited as references by Wikipedia (JSONL/Parquet/Delta).")
    String positives;

    @Option(names = "--negatives", required = true, description = "Random crawled pages (JSONL/Parquet/Delta).")
    String negatives;

    @Option(names = "--output", required = true, description = "Where the model goes (a .bin path, any Hadoop path).")
    String output;

    @Option(names = "--text-column", defaultValue = "text", description = "Text column of both inputs (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--held-out", defaultValue = "0.1", description = "Share of pages kept for evaluation (default: ${DEFAULT-VALUE}).")
    double heldOut;

    @Option(names = "--threshold", defaultValue = "0.25", description = "Reference probability that keeps a page, for the report (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--epoch", defaultValue = "5", description = "fastText -epoch (default: ${DEFAULT-VALUE}).")
    int epoch;

    @Option(names = "--lr", defaultValue = "0.1", description = "fastText -lr (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--dim", defaultValue = "100", description = "fastText -dim (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--word-ngrams", defaultValue = "2", description = "fastText -wordNgrams (default: ${DEFAULT-VALUE}).")
    int wordNgrams;

    @Option(names = "--bucket", defaultValue = "2000000", description = "fastText -bucket (default: ${DEFAULT-VALUE}).")
    int bucket;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the split, the shuffle and training (default: ${DEFAULT-VALUE}).")
    int seed;

    @Override
    public Integer call() {
      SparkSession spark = SparkSessions.create("corral quality train");
      Dataset<Row> pages = Tables.read(spark, positives, null).select(lit("wiki").as("label"), col(textColumn).as("text"))
          .unionAll(Tables.read(spark, negatives, null).select(lit("cc").as("label"), col(textColumn).as("text")))
          .filter(col("text").isNotNull());
      Dataset<Row>[] split = pages.randomSplit(new double[] {1 - heldOut, heldOut}, seed);
      // fastText learns from examples in file order: a shuffle keeps the two classes mixed.
      Dataset<Row> train = split[0].orderBy(rand(seed));
      FastTextClassifier model = new FastTextTrainer().setModelPath(output).setEpoch(epoch).setLr(lr).setDim(dim)
          .setWordNgrams(wordNgrams).setBucket(bucket).setSeed(seed).fit(train);

      Dataset<Row> scored = new QualityClassifier().setModelPath(model.getModelPath()).setThreshold(threshold)
          .transform(model.transform(split[1])).cache();
      long n = scored.count();
      long correct = scored.filter(col("prediction").equalTo(col("label"))).count();
      long references = scored.filter(col("label").equalTo("wiki")).count();
      long referencesKept = scored.filter(col("label").equalTo("wiki").and(col("drop_reason").isNull())).count();
      long random = n - references;
      long randomKept = scored.filter(col("label").equalTo("cc").and(col("drop_reason").isNull())).count();
      ConsoleTable table = new ConsoleTable("held-out pages", "accuracy", "reference pages kept", "random pages kept");
      table.row(n, pct(correct, n), pct(referencesKept, references), pct(randomKept, random));
      table.print(System.out);
      System.out.printf("(kept: reference probability >= %s, as QualityClassifier filters)%nmodel: %s%n", threshold,
          output);

      Map<String, Object> config = new LinkedHashMap<>();
      config.put("positives", positives);
      config.put("negatives", negatives);
      config.put("model", output);
      config.put("held_out", heldOut);
      config.put("threshold", threshold);
      config.put("fasttext", Map.of("epoch", epoch, "lr", lr, "dim", dim, "wordNgrams", wordNgrams, "bucket", bucket,
          "seed", seed));
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("held_out_pages", n);
      stats.put("accuracy", n == 0 ? null : (double) correct / n);
      stats.put("reference_pages_kept", references == 0 ? null : (double) referencesKept / references);
      stats.put("random_pages_kept", random == 0 ? null : (double) randomKept / random);
      Tables.writeRunInfo(spark, new org.apache.hadoop.fs.Path(output).getParent().toString(), "quality-train", config,
          stats);
      return 0;
    }

    private static String pct(long a, long b) {
      return b == 0 ? "-" : String.format("%.1f%%", 100.0 * a / b);
    }
  }
}
