package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

import dev.corral.core.io.BadRows;
import dev.corral.core.io.Tables;
import dev.corral.core.job.Job;
import dev.corral.core.job.JobContext;
import dev.corral.curation.classify.FastTextClassifier;
import dev.corral.curation.classify.FastTextTrainer;
import dev.corral.curation.quality.QualityClassifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corral quality ...}: LLaMA's Wikipedia-reference page classifier. */
@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    description = "The Wikipedia-reference quality classifier (LLaMA section 2.1).",
    subcommands = {QualityCommand.Train.class})
final class QualityCommand {
  /** The model's file name inside the output folder. */
  static final String MODEL = "quality.bin";

  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Train the classifier on reference pages (positives) against random pages (negatives); writes "
              + "<output>/"
              + MODEL
              + " (a fastText model for QualityClassifier) and prints held-out accuracy and the "
              + "share of each kind of page kept.")
  static final class Train extends JobCommand {
    @Option(
        names = "--positives",
        required = true,
        description = "Pages cited as references by Wikipedia " + "(JSONL/Parquet/Delta).")
    String positives;

    @Option(
        names = "--negatives",
        required = true,
        description = "Random crawled pages (JSONL/Parquet/Delta).")
    String negatives;

    @Mixin OutputOptions out;

    @Option(
        names = "--text-column",
        defaultValue = "text",
        description = "Text column of both inputs (default: " + "${DEFAULT-VALUE}).")
    String textColumn;

    @Option(
        names = "--held-out",
        defaultValue = "0.1",
        description = "Share of pages kept for evaluation " + "(default: ${DEFAULT-VALUE}).")
    double heldOut;

    @Option(names = "--threshold", descriptionKey = "QualityClassifier.threshold")
    String threshold;

    @Option(names = "--epoch", descriptionKey = "FastTextTrainer.epoch")
    String epoch;

    @Option(names = "--lr", descriptionKey = "FastTextTrainer.lr")
    String lr;

    @Option(names = "--dim", descriptionKey = "FastTextTrainer.dim")
    String dim;

    @Option(names = "--word-ngrams", descriptionKey = "FastTextTrainer.wordNgrams")
    String wordNgrams;

    @Option(names = "--bucket", descriptionKey = "FastTextTrainer.bucket")
    String bucket;

    @Option(names = "--seed", descriptionKey = "FastTextTrainer.seed")
    String seed;

    @Option(names = "--threads", descriptionKey = "FastTextTrainer.threads")
    String threads;

    @Override
    Job declare() {
      if (heldOut <= 0 || heldOut >= 1) {
        throw dev.corral.core.Errors.badArgument("--held-out", heldOut, "a share in (0, 1)");
      }
      FastTextTrainer trainer = new FastTextTrainer();
      QualityClassifier classifier = new QualityClassifier();
      ParamOptions.bind(spec, List.of(trainer, classifier));
      AtomicReference<Map<String, Object>> evaluation = new AtomicReference<>();
      return Job.builder()
          .setName("quality-train")
          .addInput(positives)
          .addInput(negatives)
          .setOutput(out.output)
          .optOverwrite(out.overwrite)
          .optSetting("text_column", textColumn)
          .optSetting("held_out", heldOut)
          .optSetting("trainer", dev.corral.core.job.RunRecord.params(trainer))
          .optSetting("classifier", dev.corral.core.job.RunRecord.params(classifier))
          .optWriter(
              (context, none, staging) ->
                  evaluation.set(train(context, trainer, classifier, staging)))
          .optReport((context, written) -> summary(evaluation.get(), classifier.getThreshold()))
          .build();
    }

    /**
     * Trains on the pages not held out, writes the model into {@code staging}, scores the held-out
     * pages.
     */
    private Map<String, Object> train(
        JobContext context, FastTextTrainer trainer, QualityClassifier classifier, String staging) {
      Dataset<Row> pages =
          read(context, positives, "wiki")
              .unionAll(read(context, negatives, "cc"))
              .filter(col("text").isNotNull());
      int splitSeed = trainer.getSeed();
      Dataset<Row>[] split = pages.randomSplit(new double[] {1 - heldOut, heldOut}, splitSeed);
      // fastText learns from examples in file order: a shuffle keeps the two classes mixed.
      Dataset<Row> train = split[0].orderBy(rand(splitSeed));
      FastTextClassifier model =
          trainer.setModelPath(new Path(staging, MODEL).toString()).fit(train);
      Dataset<Row> scored =
          classifier
              .setModelPath(model.getModelPath())
              .transform(model.transform(split[1]))
              .cache();
      try {
        long n = scored.count();
        long correct = scored.filter(col("prediction").equalTo(col("label"))).count();
        long references = scored.filter(col("label").equalTo("wiki")).count();
        long referencesKept =
            scored.filter(col("label").equalTo("wiki").and(col("drop_reason").isNull())).count();
        long random = n - references;
        long randomKept =
            scored.filter(col("label").equalTo("cc").and(col("drop_reason").isNull())).count();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("held_out_pages", n);
        stats.put("accuracy", n == 0 ? null : (double) correct / n);
        stats.put(
            "reference_pages_kept", references == 0 ? null : (double) referencesKept / references);
        stats.put("random_pages_kept", random == 0 ? null : (double) randomKept / random);
        return stats;
      } finally {
        scored.unpersist();
      }
    }

    private Dataset<Row> read(JobContext context, String path, String label) {
      Dataset<Row> rows = Tables.read(context.spark(), path, null, BadRows.Policy.FAIL).rows();
      return rows.select(lit(label).as("label"), col(textColumn).as("text"));
    }

    private Job.Summary summary(Map<String, Object> stats, double keep) {
      ConsoleTable table =
          new ConsoleTable(
              "held-out pages", "accuracy", "reference pages kept", "random pages kept");
      table.row(
          stats.get("held_out_pages"),
          pct(stats.get("accuracy")),
          pct(stats.get("reference_pages_kept")),
          pct(stats.get("random_pages_kept")));
      return new Job.Summary(
          stats,
          table.render()
              + String.format(
                  "(kept: reference probability >= %s, as QualityClassifier filters)%nmodel: %s/%s%n",
                  keep, out.output, MODEL),
          null);
    }

    private static String pct(Object share) {
      return share == null ? "-" : String.format("%.1f%%", 100.0 * (Double) share);
    }

    @Override
    int progressSeconds() {
      return 10;
    }
  }
}
