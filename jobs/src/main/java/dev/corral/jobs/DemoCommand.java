package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.split;

import dev.corral.core.Errors;
import dev.corral.core.job.Job;
import dev.corral.core.job.JobRunner;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.Prediction;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.mixture.MixtureConfig;
import dev.corral.curation.models.ExecutorModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral demo}: the main job on the embedded default, offline: language ID over the bundled
 * multilingual UDHR sample with the bundled lid.176 model, written as a Delta table, then a small
 * training mixture from it (LLaMA tokenizer counts, shards, manifest, report). Both are jobs of the
 * runner, so the demo keeps every promise a real run keeps (reruns replace their own output,
 * records beside it).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run Corral's pipeline on the bundled sample (no network, local Spark).")
final class DemoCommand implements Callable<Integer> {
  static final String SAMPLE = "/dev/corral/jobs/demo/udhr-sample.jsonl";

  @Option(
      names = "--output",
      description =
          "The demo's folder: it writes sample/ (the bundled sample), langid/ (the annotated Delta"
              + " table) and mixture/ inside it, nothing beside it (default: corral-demo in"
              + " java.io.tmpdir).")
  Path output = Path.of(System.getProperty("java.io.tmpdir"), "corral-demo");

  @Override
  public Integer call() throws IOException {
    Path folder = output.toAbsolutePath();
    Path table = folder.resolve("langid");
    Path sample = folder.resolve("sample").resolve("udhr-sample.jsonl");
    copySample(sample);
    JobRunner runner = new JobRunner(System.out, System.err, 0);

    LanguageIdentifier langid = new LanguageIdentifier();
    Job identify =
        Job.builder()
            .setName("langid")
            .addInput(sample.toString())
            .setOutput(table.toString())
            .optStages(List.of(langid))
            .optReport(
                (context, written) ->
                    new Job.Summary(
                        Map.of(),
                        String.format(
                                "Corral demo: language ID of %d UDHR paragraphs in %d translations (bundled sample)%n%n",
                                written.count(), written.select("udhr").distinct().count())
                            + LanguageReport.table(
                                written, "text", langid.getOutputCol(), langid.getScoreCol(), 20)
                            + agreement(written, langid),
                        null))
            .build();
    runner.run(identify, () -> SparkSessions.create("corral demo"));

    // The last step of curation: a mixture. Two sources from the annotated table, 3:1 by tokens.
    MixtureConfig config =
        MixtureConfig.parse(
            "demo mixture",
            String.join(
                "\n",
                "name: demo",
                "seed: 1",
                "budget_tokens: 200000",
                "output: {shards: 2, formats: [parquet, jsonl.zst]}",
                "sources:",
                "  - {name: identified, path: '"
                    + table
                    + "', format: delta, id_column: id, proportion: 0.75, epochs: 1,"
                    + " filter: \"language != 'unknown'\"}",
                "  - {name: unidentified, path: '"
                    + table
                    + "', format: delta, id_column: id, proportion: 0.25, epochs: 1,"
                    + " filter: \"language = 'unknown'\"}"));
    System.out.printf(
        "%nA 200k-token mixture: languages lid.176 identified (75%%) and the rest (25%%)%n%n");
    runner.run(
        MixtureCommand.declare(config, folder.resolve("mixture").toString(), false),
        () -> SparkSessions.create("corral demo"));
    return 0;
  }

  /** How often lid.176 agrees with the UDHR tag, on the paragraphs whose language it knows. */
  private static String agreement(Dataset<Row> written, LanguageIdentifier langid) {
    Dataset<Row> known =
        written
            .withColumn("expected", split(col("html_lang"), "-").getItem(0))
            .filter(col("expected").isin((Object[]) labels(langid)));
    long correct = known.filter(col("expected").equalTo(col(langid.getOutputCol()))).count();
    long total = known.count();
    return String.format(
        "%nagreement with the UDHR tag, on the %d paragraphs whose language lid.176 knows: "
            + "%.1f%%%n",
        total, 100.0 * correct / Math.max(1, total));
  }

  private static String[] labels(LanguageIdentifier langid) {
    FastTextModel model = ExecutorModels.fastText(langid.getModelPath());
    String[] labels = new String[model.labelCount()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = Prediction.bare(model.label(i));
    }
    return labels;
  }

  private static void copySample(Path target) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE)) {
      if (in == null) {
        throw Errors.badInput(SAMPLE, "the bundled demo sample is missing from the jar");
      }
      byte[] bundled = in.readAllBytes();
      // A rerun finds its own copy; any other file of that name is the user's and stays.
      if (Files.exists(target) && !Arrays.equals(Files.readAllBytes(target), bundled)) {
        throw Errors.badUsage(
            "--output " + target.getParent().getParent(),
            target + " exists and is not the bundled sample; choose another folder");
      }
      Files.createDirectories(target.getParent());
      Files.write(target, bundled);
    }
  }
}
