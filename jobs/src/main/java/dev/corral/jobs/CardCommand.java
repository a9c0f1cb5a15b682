package dev.corral.jobs;

import dev.corral.core.Errors;
import dev.corral.jobs.card.DataCard;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral card --input DIR}: the data card of a recipe's folder, from its steps' tables and
 * run records; writes only {@code DIR/report.md}, {@code report.json}, {@code report.html} and
 * {@code report/*.png}.
 */
@Command(
    name = "card",
    mixinStandardHelpOptions = true,
    description =
        "Write the data card of a recipe's output folder: per source and step, documents, bytes and "
            + "tokens in and out, drop reasons with example ids, languages, lengths, dedup clusters, "
            + "contamination, times, every setting and input fingerprint, and the mixture's shares. "
            + "Writes DIR/report.md, report.json, report.html (self-contained) and report/*.png; "
            + "reads everything else.")
final class CardCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      description =
          "(required) The recipe's output folder: _corral/recipe.json and <source>/<step>/ tables,"
              + " or any folder of <source>/<step>/ job outputs.")
  String input;

  @Option(
      names = "--overwrite",
      description = "Replace report files in the folder that the card did not write.")
  boolean overwrite;

  @Option(
      names = "--tokenizer",
      description =
          "Hugging Face tokenizer.json that estimates tokens of tables without num_tokens "
              + "(default: the bundled LLaMA tokenizer).")
  String tokenizer;

  @Override
  public Integer call() {
    if (input == null) {
      throw Errors.badUsage("--input", "is required");
    }
    DataCard.Written w =
        DataCard.write(SparkSessions.create("corral card"), input, overwrite, tokenizer);
    System.out.println(
        "wrote "
            + w.markdown()
            + ", "
            + w.html()
            + ", "
            + w.json()
            + " and "
            + w.charts().size()
            + " charts");
    return 0;
  }
}
