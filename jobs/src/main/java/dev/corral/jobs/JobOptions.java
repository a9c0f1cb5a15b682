package dev.corral.jobs;

import dev.corral.core.Errors;
import dev.corral.core.io.BadRows;
import dev.corral.core.job.Job;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every table job takes, declared once (a picocli mixin). */
final class JobOptions {
  @Option(
      names = "--input",
      split = ",",
      description =
          "(required) Input: JSON Lines (.jsonl, .json, .gz), "
              + "Parquet or Delta (sources: their own files); files, folders or globs on any Hadoop file system, "
              + "comma-separated or repeated.")
  List<String> input;

  @Option(
      names = "--input-format",
      description = "json, parquet or delta (default: from the path).")
  String inputFormat;

  @Mixin OutputOptions out;

  @Option(
      names = "--format",
      defaultValue = "delta",
      description = "delta, parquet or json (default: " + "${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--text-column",
      description = "Column holding the text (default: the stages' own, text).")
  String textColumn;

  @Option(
      names = "--id-column",
      description =
          "Column holding document ids, checked unique where a job needs "
              + "one row per id (default: id when present, else ids derived from each row's content and source).")
  String idColumn;

  @Option(
      names = "--bad-rows",
      defaultValue = "fail",
      description =
          "Malformed JSON Lines rows (not a JSON object, "
              + "invalid UTF-8): fail (name the first and count them) or skip (count them per file and keep them under "
              + "<output>/_corral/bad-rows/) (default: ${DEFAULT-VALUE}).")
  String badRows;

  @Option(
      names = "--progress-seconds",
      defaultValue = "10",
      description =
          "Seconds between progress lines on " + "stderr, 0 for none (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  /**
   * A job builder with these options applied: input, output, formats, overwrite and the bad-row
   * policy.
   */
  Job.Builder apply(Job.Builder job) {
    if (input == null || out.output == null) {
      throw Errors.badUsage(input == null ? "--input" : "--output", "is required");
    }
    input.forEach(job::addInput);
    return job.optInputFormat(inputFormat)
        .setOutput(out.output)
        .optFormat(format)
        .optOverwrite(out.overwrite)
        .optBadRows(BadRows.Policy.parse(badRows));
  }
}
