package dev.corral.jobs;

import dev.corral.core.io.Tables;
import dev.corral.curation.langid.LanguageIdentifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral langid}: annotate every row of a table with its language, write it, print a summary. */
@Command(name = "langid", mixinStandardHelpOptions = true,
    description = "Identify the language of every document (fastText lid.176 by default) and write the "
        + "annotated table (Delta by default).")
final class LangIdCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "JSONL(.gz), Parquet or Delta input.")
  String input;

  @Option(names = "--output", required = true, description = "Output path.")
  String output;

  @Option(names = "--text-column", defaultValue = "text", description = "Column holding the text (default: ${DEFAULT-VALUE}).")
  String textColumn;

  @Option(names = "--input-format", description = "json, parquet or delta (default: from the path).")
  String inputFormat;

  @Option(names = "--format", defaultValue = "delta", description = "delta, parquet or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--model", defaultValue = "builtin:lid.176.ftz",
      description = "fastText model: any Hadoop path, or the bundled ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--min-score", defaultValue = "0.5",
      description = "Below this score the language is 'unknown' (default: ${DEFAULT-VALUE}, as CCNet).")
  double minScore;

  @Option(names = "--top-k", defaultValue = "0", description = "Also write the k best languages per row (default: none).")
  int topK;

  @Override
  public Integer call() {
    SparkSession spark = SparkSessions.create("corral langid");
    LanguageIdentifier stage = new LanguageIdentifier()
        .setInputCol(textColumn)
        .setModelPath(model)
        .setMinScore(minScore)
        .setTopK(topK);
    Dataset<Row> annotated = stage.transform(Tables.read(spark, input, inputFormat));
    Tables.write(annotated, output, format);

    Dataset<Row> written = Tables.read(spark, output, format);
    LanguageReport.print(written, textColumn, stage.getOutputCol(), stage.getScoreCol(), 25, System.out);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("input", input);
    config.put("format", format);
    config.put("text_column", textColumn);
    config.put("model", model);
    config.put("min_score", minScore);
    config.put("top_k", topK);
    Tables.writeRunInfo(spark, output, "langid", config, Map.of("rows", written.count()));
    System.out.println("wrote " + output + " (" + format + ")");
    return 0;
  }
}
