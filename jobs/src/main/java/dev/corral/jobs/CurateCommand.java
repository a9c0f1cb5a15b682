package dev.corral.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;

import dev.corral.core.Errors;
import dev.corral.core.io.Tables;
import dev.corral.core.pipeline.PipelineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral curate --config conf/X.yaml}: runs the pipeline a YAML names and writes the annotated table. */
@Command(name = "curate", mixinStandardHelpOptions = true,
    description = "Run a curation pipeline from a YAML in conf/: every stage annotates, drop_reason says why a "
        + "document would be dropped; the annotated table is written (Delta by default).")
final class CurateCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "Pipeline YAML, e.g. conf/ccnet-quality.yaml.")
  Path config;

  @Option(names = "--input", description = "Input table (default: the YAML's input.path).")
  String input;

  @Option(names = "--input-format", description = "json, parquet or delta (default: the YAML's, else from the path).")
  String inputFormat;

  @Option(names = "--output", description = "Output path (default: the YAML's output.path).")
  String output;

  @Option(names = "--format", description = "delta, parquet or json (default: the YAML's, else delta).")
  String format;

  @Override
  public Integer call() {
    PipelineConfig pipeline = PipelineConfig.read(config);
    String in = input != null ? input : pipeline.input("path");
    String out = output != null ? output : pipeline.output("path");
    if (in == null || out == null) {
      throw Errors.badInput(config.toString(), "no " + (in == null ? "input" : "output")
          + " path: give --" + (in == null ? "input" : "output") + " or set it in the YAML");
    }
    String inFormat = inputFormat != null ? inputFormat : pipeline.input("format");
    String outFormat = format != null ? format : pipeline.output("format") != null ? pipeline.output("format") : "delta";
    SparkSession spark = SparkSessions.create("corral curate " + pipeline.name());
    Dataset<Row> docs = Tables.read(spark, in, inFormat);
    PipelineModel model = pipeline.toPipeline().fit(docs);
    Tables.write(model.transform(docs), out, outFormat);

    List<Row> reasons = Tables.read(spark, out, outFormat)
        .groupBy(coalesce(col("drop_reason"), lit("(kept)")).as("drop_reason"))
        .agg(count("*").as("docs")).orderBy(desc("docs")).collectAsList();
    long total = reasons.stream().mapToLong(r -> r.getLong(1)).sum();
    ConsoleTable table = new ConsoleTable("drop_reason", "docs", "share");
    Map<String, Long> stats = new LinkedHashMap<>();
    for (Row r : reasons) {
      table.row(r.getString(0), r.getLong(1), String.format("%.1f%%", 100.0 * r.getLong(1) / Math.max(1, total)));
      stats.put(r.getString(0), r.getLong(1));
    }
    System.out.println("pipeline " + pipeline.name() + ": " + String.join(" -> ", pipeline.stageNames()));
    table.print(System.out);
    System.out.println("wrote " + out + " (" + outFormat + ")");

    Map<String, Object> run = new LinkedHashMap<>();
    run.put("config", config.toString());
    run.put("input", in);
    run.put("stages", pipeline.stageNames());
    Tables.writeRunInfo(spark, out, "curate", run, Map.of("documents", total, "by_drop_reason", stats));
    return 0;
  }
}
