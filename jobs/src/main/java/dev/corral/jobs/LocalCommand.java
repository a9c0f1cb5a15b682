package dev.corral.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code corral local ...}: tools that run in this one process, on this machine, without Spark:
 * fastText exactly as the {@code fasttext} binary, the LLaMA engine on texts and prompts, n-gram
 * scoring of a text file.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "Tools that run in this process on this machine, without Spark: fasttext (as the fasttext "
            + "binary), llama (the LLaMA engine on texts and prompts), lm (n-gram scoring of a text file).",
    subcommands = {
      FastTextCommand.class,
      LlamaCommand.class,
      LocalCommand.Lm.class,
      CommandLine.HelpCommand.class
    })
final class LocalCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: fasttext, llama or lm");
  }

  @Command(
      name = "lm",
      mixinStandardHelpOptions = true,
      description =
          "n-gram language models on this machine: perplexity of each line of a text, as KenLM scores.",
      subcommands = {LmCommand.Perplexity.class})
  static final class Lm implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "missing subcommand: perplexity");
    }
  }
}
