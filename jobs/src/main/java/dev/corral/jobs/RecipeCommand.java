package dev.corral.jobs;

import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.job.Recipe;
import dev.corral.core.job.RecipeRunner;
import dev.corral.jobs.card.DataCard;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral recipe --config conf/llama-recipe.yaml --output DIR}: every source's steps and the
 * mixture, each step a job of the runner writing {@code DIR/<source>/<step>}, sources side by side
 * in one SparkSession (FAIR pools), unchanged steps skipped, so a stopped recipe resumes.
 */
@Command(
    name = "recipe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run a whole curation recipe (conf/llama-recipe.yaml: LLaMA's seven sources and Table 1's "
            + "mixture): every step is a corral job writing DIR/<source>/<step> (Delta), sources run side by "
            + "side, a step whose inputs and settings are unchanged since its last complete run is skipped, "
            + "so a stopped or failed recipe resumes where it stopped. DIR/_corral/recipe.json says what "
            + "each step did.")
final class RecipeCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      description = "Recipe YAML, e.g. conf/llama-recipe.yaml.")
  Path config;

  @Option(
      names = "--output",
      required = true,
      description =
          "The recipe's folder: DIR/<source>/<step>, DIR/mixture, DIR/_corral/recipe.json.")
  String output;

  @Option(
      names = "--from",
      split = ",",
      description =
          "Run these steps (source/step, or mixture) and every step after them even when unchanged.")
  List<String> from;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Steps run at once (default: one per source).")
  int threads;

  @Option(
      names = "--progress-seconds",
      defaultValue = "10",
      description =
          "Seconds between a step's progress lines on stderr, 0 for none (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  @Override
  public Integer call() {
    RecipeConfig recipe = RecipeConfig.read(config);
    run(
        recipe,
        config.toString(),
        output,
        from,
        threads,
        progressSeconds,
        true,
        System.out,
        System.err);
    return 0;
  }

  /**
   * Declares and runs {@code recipe} into {@code dir}, then prints the summary and, when {@code
   * card}, writes the data card.
   */
  static RecipeRunner.Result run(
      RecipeConfig recipe,
      String configName,
      String dir,
      List<String> from,
      int threads,
      int progressSeconds,
      boolean card,
      PrintStream out,
      PrintStream err) {
    String folder = absolute(dir);
    refuseOutput(folder);
    Recipe declared = recipe.declare(folder);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("config", configName);
    RecipeRunner runner =
        new RecipeRunner(out, err, progressSeconds * 1000L)
            .optThreads(threads)
            .optSettings(settings);
    if (from != null) {
      from.forEach(runner::optFrom);
    }
    RecipeRunner.Result result =
        runner.run(
            declared,
            folder,
            () ->
                SparkSessions.create(
                    "corral recipe " + recipe.name, Map.of("spark.scheduler.mode", "FAIR")));
    out.println();
    for (RecipeRunner.StepResult s : result.steps()) {
      if (s.id().equals(RecipeConfig.MIXTURE)) {
        out.print(String.valueOf(s.record().getOrDefault("summary", "")));
      }
    }
    long ran = result.steps().stream().filter(s -> s.status().equals("ran")).count();
    out.printf(
        "%d steps: %d ran, %d skipped (unchanged); record: %s%n",
        result.steps().size(), ran, result.steps().size() - ran, result.recordPath());
    if (card) {
      DataCard.Written written = DataCard.write(SparkSession.active(), folder);
      out.println(
          "data card: "
              + written.markdown().toString().replaceFirst("^file:", "")
              + " (and report.html, report.json)");
    }
    return result;
  }

  /** An output the recipe could not finish in: a file, or a folder with someone else's report. */
  private static void refuseOutput(String folder) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(folder);
    try {
      if (HadoopFs.fileSystem(path).getFileStatus(path).isFile()) {
        throw Errors.badOutput("--output " + folder, "is a file; a recipe writes a folder");
      }
    } catch (java.io.FileNotFoundException e) {
      return; // a new folder
    } catch (java.io.IOException e) {
      throw Errors.unreadable(folder, e);
    }
    DataCard.refuseForeign(folder, "--output");
  }

  /**
   * A local path made absolute, so the record and the steps name the same folders from anywhere.
   */
  static String absolute(String dir) {
    String trimmed = dir.replaceAll("(?<=.)/+$", "");
    if (trimmed.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return trimmed; // a URI: hdfs://, s3a://, file:
    }
    return Path.of(trimmed).toAbsolutePath().normalize().toString();
  }
}
