package dev.corral.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code corral source NAME}: a LLaMA source's raw dump into a document table (Delta by default)
 * with the common columns ({@code id, text, source, url, title, language, timestamp}) and the
 * source's own, through the job runner like every Spark job.
 */
@Command(
    name = "source",
    mixinStandardHelpOptions = true,
    description =
        "Turn a source's published dump into a document table (Delta by default): id, text, source, url, title,"
            + " language, timestamp and the source's own columns.",
    subcommands = {
      CommandLine.HelpCommand.class,
      WikipediaCommand.class,
      StackExchangeCommand.class,
      GithubCommand.class,
      ArxivCommand.class,
      BooksCommand.class
    })
final class SourceCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing source");
  }
}
