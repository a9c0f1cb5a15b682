package dev.corral.jobs;

import dev.corral.core.job.Job;
import dev.corral.core.job.JobRunner;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineStage;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A Spark job on the command line: a declaration ({@link #declare}) that {@link JobRunner}
 * executes. Subclasses hold options and say what the job reads, which stages it runs and what it
 * reports; they hold no logic.
 */
abstract class JobCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The job, with this command's options applied. */
  abstract Job declare();

  /** Seconds between progress lines. */
  abstract int progressSeconds();

  @Override
  public final Integer call() {
    Job job = declare();
    new JobRunner(System.out, System.err, progressSeconds() * 1000L)
        .run(job, () -> SparkSessions.create("corral " + job.name()));
    return 0;
  }

  /**
   * The stage-param options the user gave, set on {@code stages}; {@code --text-column} and {@code
   * --id-column} set on every stage that reads a text or an id column.
   */
  List<PipelineStage> configure(JobOptions options, List<PipelineStage> stages) {
    ParamOptions.bind(spec, stages);
    for (PipelineStage stage : stages) {
      for (String param : List.of("inputCol", "textCol")) {
        if (options.textColumn != null && stage.hasParam(param)) {
          ParamOptions.set(stage, stage.getParam(param), options.textColumn, "--text-column");
        }
      }
      if (options.idColumn != null && stage.hasParam("idCol")) {
        ParamOptions.set(stage, stage.getParam("idCol"), options.idColumn, "--id-column");
      }
    }
    return stages;
  }
}
