package dev.corral.jobs;

import dev.corral.core.job.Job;
import dev.corral.core.job.JobRunner;
import dev.corral.core.pipeline.PipelineConfig;
import dev.corral.curation.decontam.Contamination;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral curate --config conf/X.yaml}: runs the stages a YAML names and writes the annotated
 * table.
 */
@Command(
    name = "curate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run a pipeline from a YAML in conf/ (any module's stages, LLaMA scoring included): every stage "
            + "annotates, drop_reason says why a document would be dropped; the annotated table is written (Delta by "
            + "default). --input and --output default to the YAML's input.path and output.path.")
final class CurateCommand extends JobCommand {
  @Option(
      names = "--config",
      description = "(required) Pipeline YAML, e.g. conf/ccnet-quality.yaml.")
  Path config;

  /** The pipeline itself, in place of --config (a recipe's step names its stages inline). */
  PipelineConfig inline;

  @Mixin JobOptions options;

  @Override
  Job declare() {
    if (inline == null && config == null) {
      throw dev.corral.core.Errors.badUsage("--config", "is required");
    }
    PipelineConfig pipeline = inline != null ? inline : PipelineConfig.read(config);
    if (options.input == null && pipeline.input("path") != null) {
      options.input = List.of(pipeline.input("path"));
    }
    options.out.output = options.out.output != null ? options.out.output : pipeline.output("path");
    if (options.inputFormat == null) {
      options.inputFormat = pipeline.input("format");
    }
    if (!spec.commandLine().getParseResult().hasMatchedOption("--format")
        && pipeline.output("format") != null) {
      options.format = pipeline.output("format");
    }
    List<PipelineStage> stages = Arrays.asList(pipeline.toPipeline().getStages());
    return options
        .apply(Job.builder().setName("curate"))
        .optStages(configure(options, stages))
        .optSetting("config", config == null ? "(inline)" : config.toString())
        .optSetting("pipeline", pipeline.name())
        .optReport(
            (context, written) -> {
              String head =
                  "pipeline "
                      + pipeline.name()
                      + ": "
                      + String.join(" -> ", pipeline.stageNames())
                      + "\n";
              if (!Arrays.asList(written.columns()).contains(JobRunner.DROP_REASON)) {
                long documents =
                    context.written() != null ? context.written().rows() : written.count();
                return new Job.Summary(
                    Map.of("documents", documents),
                    head + documents + " documents (no stage sets drop_reason)\n",
                    null);
              }
              Map<String, Long> reasons = JobRunner.byDropReason(context, written);
              Map<String, Object> stats = new LinkedHashMap<>();
              stats.put("documents", reasons.values().stream().mapToLong(Long::longValue).sum());
              StringBuilder console = new StringBuilder(head + Reports.dropReasons(reasons));
              for (Transformer stage : context.fitted()) {
                if (stage instanceof Contamination c) {
                  Map<String, Object> found = new LinkedHashMap<>(c.benchmarkSummary());
                  Map<String, Long> docs = c.documentsPerBenchmark(written);
                  found.put("documents_per_benchmark", docs);
                  stats.put("contamination", found);
                  console.append(Reports.contamination(docs, c.getN()));
                }
              }
              return new Job.Summary(stats, console.toString(), null);
            })
        .build();
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
