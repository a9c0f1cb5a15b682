package dev.corral.jobs;

import dev.corral.curation.CorralException;
import dev.corral.inference.InferenceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code corral} command. Locally, {@code ./corral SUBCOMMAND ...} runs it on an embedded
 * {@code local[*]} Spark; on a cluster, {@code spark-submit --class dev.corral.jobs.Corral corral.jar
 * SUBCOMMAND ...}. Results go to stdout or the output path; logs and errors go to stderr.
 */
@Command(
    name = "corral",
    mixinStandardHelpOptions = true,
    versionProvider = Corral.Version.class,
    description = "Curate LLaMA-style pre-training data and run LLaMA inference on Apache Spark.",
    subcommands = {
      DemoCommand.class,
      FastTextCommand.class,
      LangIdCommand.class,
      QualityCommand.class,
      CurateCommand.class,
      MixtureCommand.class,
      CcnetCommand.class,
      DedupCommand.class,
      LmCommand.class,
      LlamaCommand.class,
      InferenceJobs.Score.class,
      InferenceJobs.Generate.class,
      CommandLine.HelpCommand.class
    })
public final class Corral implements Runnable {
  @Option(names = "--stacktrace", scope = CommandLine.ScopeType.INHERIT,
      description = "Print the full stack trace of an error instead of one line.")
  boolean stacktrace;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (0 on success); used by tests too. */
  public static int execute(String... args) {
    Corral root = new Corral();
    CommandLine cli = new CommandLine(root);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean trace = root.stacktrace || System.getenv("CORRAL_STACKTRACE") != null;
      boolean userError = e instanceof CorralException || e instanceof InferenceException
          || e instanceof java.io.IOException;
      if (trace || !userError) {
        e.printStackTrace(commandLine.getErr());
      } else {
        commandLine.getErr().println("corral: " + e.getMessage());
      }
      return 1;
    });
    return cli.execute(args);
  }

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Corral.class.getPackage().getImplementationVersion();
      return new String[] {"corral " + (v == null ? "(development build)" : v)};
    }
  }
}
