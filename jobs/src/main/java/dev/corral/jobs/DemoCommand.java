package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.split;

import dev.corral.core.Errors;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.Prediction;
import dev.corral.core.io.Tables;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.mixture.MixtureBuilder;
import dev.corral.curation.mixture.MixtureConfig;
import dev.corral.curation.spark.ExecutorModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral demo}: the main job on the embedded default, offline: language ID over the bundled
 * multilingual UDHR sample with the bundled lid.176 model, written as a Delta table, then a small training
 * mixture from it (LLaMA tokenizer counts, shards, manifest, report).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run Corral's pipeline on the bundled sample (no network, local Spark).")
final class DemoCommand implements Callable<Integer> {
  static final String SAMPLE = "/dev/corral/jobs/demo/udhr-sample.jsonl";

  @Option(names = "--output", description = "Where to write the annotated table (default: a folder in java.io.tmpdir).")
  Path output = Path.of(System.getProperty("java.io.tmpdir"), "corral-demo", "langid");

  @Override
  public Integer call() throws IOException {
    SparkSession spark = SparkSessions.create("corral demo");
    List<String> lines = readSample();
    Dataset<Row> docs = spark.read().json(spark.createDataset(lines, Encoders.STRING()));
    System.out.printf("Corral demo: language ID of %d UDHR paragraphs in %d translations (bundled sample)%n%n",
        lines.size(), docs.select("udhr").distinct().count());

    LanguageIdentifier langid = new LanguageIdentifier().setInputCol("text");
    Dataset<Row> annotated = langid.transform(docs);
    Tables.write(annotated, output.toString(), "delta");
    Dataset<Row> written = Tables.read(spark, output.toString(), "delta").cache();

    LanguageReport.print(written, "text", langid.getOutputCol(), langid.getScoreCol(), 20, System.out);
    // The UDHR tag's primary subtag is the expected label wherever lid.176 knows that language.
    Dataset<Row> known = written.withColumn("expected", split(col("html_lang"), "-").getItem(0))
        .filter(col("expected").isin((Object[]) labels(langid)));
    long correct = known.filter(col("expected").equalTo(col(langid.getOutputCol()))).count();
    long total = known.count();
    System.out.printf("%nagreement with the UDHR tag, on the %d paragraphs whose language lid.176 knows: %.1f%%%n",
        total, 100.0 * correct / Math.max(1, total));
    System.out.println("annotated table (Delta): " + output.toAbsolutePath());

    // The last step of curation: a mixture. Two sources from the annotated table, 3:1 by tokens.
    Path mixture = output.resolveSibling("mixture");
    String table = output.toAbsolutePath().toString();
    MixtureConfig config = MixtureConfig.parse("demo mixture", String.join("\n",
        "name: demo", "seed: 1", "budget_tokens: 200000",
        "output: {shards: 2, formats: [parquet, jsonl.zst]}",
        "sources:",
        "  - {name: identified, path: '" + table + "', format: delta, id_column: id, proportion: 0.75, epochs: 1,"
            + " filter: \"language != 'unknown'\"}",
        "  - {name: unidentified, path: '" + table + "', format: delta, id_column: id, proportion: 0.25, epochs: 1,"
            + " filter: \"language = 'unknown'\"}"));
    System.out.printf("%nA 200k-token mixture: languages lid.176 identified (75%%) and the rest (25%%)%n%n");
    MixtureCommand.print(MixtureBuilder.build(spark, config, mixture.toAbsolutePath().toString()));
    return 0;
  }

  private static String[] labels(LanguageIdentifier langid) {
    FastTextModel model = ExecutorModels.fastText(langid.getModelPath());
    String[] labels = new String[model.labelCount()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = Prediction.bare(model.label(i));
    }
    return labels;
  }

  private static List<String> readSample() throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE)) {
      if (in == null) {
        throw Errors.badInput(SAMPLE, "the bundled demo sample is missing from the jar");
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().collect(Collectors.toList());
    }
  }
}
