package dev.corral.jobs;

import dev.corral.core.Errors;
import dev.corral.core.job.Job;
import dev.corral.curation.mixture.MixtureBuilder;
import dev.corral.curation.mixture.MixtureConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral mixture --config conf/llama-mixture.yaml}: sample curated sources into training
 * shards.
 */
@Command(
    name = "mixture",
    mixinStandardHelpOptions = true,
    description =
        "Build a training mixture (LLaMA Table 1 by default): token counts, sampling by proportion "
            + "or epochs, shuffled shards, manifest.json and report.md.")
final class MixtureCommand extends JobCommand {
  @Option(
      names = "--config",
      required = true,
      description = "Mixture YAML, e.g. conf/llama-mixture.yaml.")
  Path config;

  /** --output defaults to the YAML's output.path. */
  @Mixin OutputOptions out;

  @Override
  Job declare() {
    MixtureConfig mixture = MixtureConfig.read(config);
    return declare(mixture, out.output != null ? out.output : mixture.outputPath, out.overwrite);
  }

  /**
   * The mixture job: its sources are the inputs, MixtureBuilder writes shards, manifest and report.
   */
  static Job declare(MixtureConfig mixture, String output, boolean overwrite) {
    if (output == null) {
      throw Errors.badUsage("--output", "is required (the YAML has no output.path)");
    }
    AtomicReference<MixtureBuilder.Result> built = new AtomicReference<>();
    Job.Builder job =
        Job.builder()
            .setName("mixture")
            .setOutput(output)
            .optOverwrite(overwrite)
            .optSetting("mixture", mixture.name)
            // Everything that decides the shards, so a changed proportion is a changed run.
            .optSetting("seed", mixture.seed)
            .optSetting("budget_tokens", mixture.budgetTokens)
            .optSetting("use_epochs", mixture.useEpochs)
            .optSetting("tokenizer", mixture.tokenizer)
            .optSetting("shards", mixture.shards)
            .optSetting("shard_tokens", mixture.shardTokens)
            .optSetting("formats", mixture.formats)
            .optSetting("sources", mixture.sources.stream().map(Object::toString).toList())
            .optWriter(
                (context, data, staging) ->
                    built.set(MixtureBuilder.build(context.spark(), mixture, staging)))
            .optReport((context, written) -> summary(built.get(), output));
    mixture.sources.forEach(s -> job.addInput(s.path()));
    return job.build();
  }

  private static Job.Summary summary(MixtureBuilder.Result result, String output) {
    ConsoleTable table = new ConsoleTable("source", "documents", "tokens", "share", "epochs");
    Map<String, Object> stats = new LinkedHashMap<>();
    for (MixtureBuilder.SourceResult s : result.sources()) {
      double epochs =
          s.availableTokens() == 0 ? 0 : (double) s.sampledTokens() / s.availableTokens();
      table.row(
          s.name(),
          s.sampledDocs(),
          s.sampledTokens(),
          String.format("%.2f%%", 100 * result.achievedShare(s)),
          String.format("%.3f", epochs));
      stats.put(s.name() + "_tokens", s.sampledTokens());
    }
    stats.put("tokens", result.totalTokens());
    stats.put("shards", result.shards().size());
    return new Job.Summary(
        stats,
        table.render()
            + String.format(
                "%d tokens in %d files; report: %s/report.md%n",
                result.totalTokens(), result.shards().size(), output),
        null);
  }

  @Override
  int progressSeconds() {
    return 10;
  }
}
