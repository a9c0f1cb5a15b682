package dev.corral.jobs;

import dev.corral.core.job.Job;
import dev.corral.curation.langid.LanguageIdentifier;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral langid}: annotate every row of a table with its language, write it, print a
 * summary.
 */
@Command(
    name = "langid",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Identify the language of every document (fastText lid.176 by default) and write the "
            + "annotated table (Delta by default).")
final class LangIdCommand extends JobCommand {
  @Mixin JobOptions options;

  @Option(names = "--model", descriptionKey = "LanguageIdentifier.modelPath")
  String model;

  @Option(names = "--min-score", descriptionKey = "LanguageIdentifier.minScore")
  String minScore;

  @Option(names = "--top-k", descriptionKey = "LanguageIdentifier.topK")
  String topK;

  @Override
  Job declare() {
    LanguageIdentifier stage = new LanguageIdentifier();
    return options
        .apply(Job.builder().setName("langid"))
        .optStages(configure(options, List.of(stage)))
        .optReport(
            (context, written) -> {
              String table =
                  LanguageReport.table(
                      written, stage.getInputCol(), stage.getOutputCol(), stage.getScoreCol(), 25);
              return new Job.Summary(Map.of(), table, null);
            })
        .build();
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
