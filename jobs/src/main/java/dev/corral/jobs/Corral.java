package dev.corral.jobs;

import dev.corral.core.CorralException;
import dev.corral.core.io.NioLocalFileSystem;
import dev.corral.core.job.Build;
import dev.corral.core.job.JobRunner;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code corral} command. Spark jobs read and write tables ({@code ./corral langid ...} on an
 * embedded {@code local[*]} Spark, or {@code spark-submit --class dev.corral.jobs.Corral corral.jar
 * langid ...} on a cluster); {@code corral local ...} tools run in this one process without Spark.
 * Results go to stdout or the output path; progress, notices and errors go to stderr. A user error
 * is one line on stderr and exit code 2 (a flag or config value) or 1 (a file, model, column or
 * row); {@code --verbose} adds the stack trace.
 */
@Command(
    name = "corral",
    mixinStandardHelpOptions = true,
    versionProvider = Corral.Version.class,
    description =
        "Curate LLaMA-style pre-training data and run LLaMA inference on Apache Spark.%n%n"
            + "Spark jobs (local[*] here, or spark-submit on a cluster): demo, recipe, plan, langid, curate, ccnet, source, dedup, score, "
            + "generate, quality, lm, mixture, card.%nLocal tools (this process, no Spark): local fasttext|llama|lm.",
    subcommands = {
      DemoCommand.class,
      RecipeCommand.class,
      PlanCommand.class,
      LangIdCommand.class,
      CurateCommand.class,
      CcnetCommand.class,
      SourceCommand.class,
      DedupCommand.class,
      InferenceJobs.Score.class,
      InferenceJobs.Generate.class,
      QualityCommand.class,
      LmCommand.class,
      MixtureCommand.class,
      CardCommand.class,
      LocalCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Corral implements Runnable {
  /** Exit code of a failure that is Corral's bug rather than the user's. */
  static final int INTERNAL_ERROR = 70;

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "On an error, print the full stack trace after the one-line message.")
  boolean verbose;

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
    // before any file is touched: Hadoop caches the first local file system it makes, and Spark
    // hands spark.* properties on to its executors
    System.getProperties()
        .putIfAbsent("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName());
    Corral root = new Corral();
    CommandLine cli = new CommandLine(root);
    setDocs(cli, new ParamOptions.Docs());
    cli.setParameterExceptionHandler(
        (e, a) -> {
          PrintWriter err = e.getCommandLine().getErr();
          String command = e.getCommandLine().getCommandSpec().qualifiedName();
          err.println(command + ": " + oneLine(e.getMessage()) + " (see " + command + " --help)");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          boolean trace = root.verbose || System.getenv("CORRAL_STACKTRACE") != null;
          Failure f = classify(e);
          err.println("corral: " + f.message());
          if (f.code() == INTERNAL_ERROR) {
            err.println("corral: this is a bug in Corral; the stack trace follows");
          }
          if (trace || f.code() == INTERNAL_ERROR) {
            e.printStackTrace(err);
          }
          err.flush();
          return f.code();
        });
    return cli.execute(args);
  }

  private record Failure(int code, String message) {}

  /** What a failure tells the user, in one line, and the exit code it gives. */
  private static Failure classify(Throwable e) {
    CorralException corral = JobRunner.corralCause(e);
    if (corral != null) {
      return new Failure(corral.kind().exitCode(), oneLine(corral.getMessage()));
    }
    // On a cluster a task's exception reaches the driver as text inside Spark's own.
    String remote = remoteCorralMessage(e);
    if (remote != null) {
      return new Failure(1, remote);
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof org.apache.spark.sql.AnalysisException a) {
        return new Failure(1, oneLine(a.getSimpleMessage()));
      }
      if (c instanceof IllegalArgumentException
          && c.getStackTrace().length > 0
          && c.getStackTrace()[0].getClassName().startsWith("dev.corral.")) {
        return new Failure(
            1, oneLine(c.getMessage())); // a stage's column contract (Spark ML wants this type)
      }
      if (c instanceof IOException) {
        String why = oneLine(c.getMessage() == null ? c.toString() : c.getMessage());
        String file = fileBeingRead(e);
        return new Failure(1, file == null ? why : file + ": cannot read: " + why);
      }
    }
    return new Failure(INTERNAL_ERROR, "internal error: " + oneLine(e.toString()));
  }

  /** The file a Spark reader failed on, from its message; null when it names none. */
  private static String fileBeingRead(Throwable e) {
    String rest = afterMarker(e, "while reading file ");
    if (rest == null) {
      return null;
    }
    int end = rest.indexOf(". Details");
    return oneLine(end < 0 ? rest : rest.substring(0, end));
  }

  /** What follows {@code marker} in the first message of {@code e}'s causes holding it, or null. */
  private static String afterMarker(Throwable e, String marker) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = c.getMessage();
      int at = m == null ? -1 : m.indexOf(marker);
      if (at >= 0) {
        return m.substring(at + marker.length());
      }
    }
    return null;
  }

  private static String remoteCorralMessage(Throwable e) {
    String rest = afterMarker(e, CorralException.class.getName() + ": ");
    return rest == null ? null : oneLine(rest);
  }

  static String oneLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }

  /** Gives every command the stage params' help texts, for options that name a param. */
  private static void setDocs(CommandLine cli, java.util.ResourceBundle docs) {
    cli.getCommandSpec().resourceBundle(docs);
    for (CommandLine sub : cli.getSubcommands().values()) {
      setDocs(sub, docs);
    }
  }

  /** Prints the version and commit this jar was built from. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"corral " + Build.version() + " (" + Build.commit() + ")"};
    }
  }
}
