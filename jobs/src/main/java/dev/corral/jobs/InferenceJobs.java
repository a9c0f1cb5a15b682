package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import dev.corral.core.job.Job;
import dev.corral.inference.spark.InferenceMetrics;
import dev.corral.inference.spark.InferenceProgress;
import dev.corral.inference.spark.LlamaGenerator;
import dev.corral.inference.spark.LlamaScorer;
import dev.corral.inference.spark.LlamaTransformer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral score} and {@code corral generate}: a LLaMA model over every row of a table, in
 * Spark, written resumably: a stopped run continues from its committed chunks, a changed input or
 * setting starts afresh.
 */
final class InferenceJobs {
  private InferenceJobs() {}

  /** Options both jobs share. */
  static final class Common {
    @Mixin JobOptions options;

    @Option(names = "--model", descriptionKey = "LlamaScorer.modelPath")
    String model;

    @Option(names = "--batch-tokens", descriptionKey = "LlamaScorer.batchTokens")
    String batchTokens;

    @Option(names = "--dtype", descriptionKey = "LlamaScorer.dtype")
    String dtype;

    @Option(
        names = "--partitions-per-commit",
        defaultValue = "16",
        description =
            "Delta output: input "
                + "partitions per commit; a rerun of a stopped job skips the committed ones (default: ${DEFAULT-VALUE}).")
    int partitionsPerCommit;

    /**
     * The job of {@code stage}: resumable, with the stage's own progress line (rows, tokens/s,
     * ETA), and a summary of rows, errors and tokens.
     */
    Job job(String name, LlamaTransformer<?> stage, String what, Column tokensPerRow) {
      if (model == null) {
        throw dev.corral.core.Errors.badUsage("--model", "is required");
      }
      AtomicReference<InferenceMetrics> metrics = new AtomicReference<>();
      AtomicReference<InferenceProgress> progress = new AtomicReference<>();
      return options
          .apply(Job.builder().setName(name))
          .optStages(List.of(stage))
          .optResume(new Job.Resume(partitionsPerCommit))
          .optSetting("partitions_per_commit", partitionsPerCommit)
          .optMonitor(
              (context, input) -> {
                metrics.set(InferenceMetrics.register(context.spark().sparkContext(), name));
                stage.setMetrics(metrics.get());
                long period =
                    options.progressSeconds > 0 ? options.progressSeconds * 1000L : Long.MAX_VALUE;
                progress.set(
                    new InferenceProgress(
                        context.spark().sparkContext(),
                        metrics.get(),
                        input.count(),
                        "corral " + name,
                        System.err,
                        period));
                return progress.get();
              })
          .optReport(
              (context, written) -> {
                Row totals =
                    written
                        .agg(
                            count("*"),
                            sum(col("error").isNotNull().cast("long")),
                            sum(tokensPerRow))
                        .first();
                long rows = totals.getLong(0);
                long errors = totals.isNullAt(1) ? 0 : totals.getLong(1);
                long tokens = totals.isNullAt(2) ? 0 : totals.getLong(2);
                InferenceMetrics.Snapshot s = metrics.get().snapshot();
                System.err.println(progress.get().summary());
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("rows", rows);
                stats.put("errors", errors);
                stats.put(what.replace(' ', '_'), tokens);
                stats.put("tokens_in_this_run", s.tokensIn());
                stats.put("tokens_out_this_run", s.tokensOut());
                return new Job.Summary(
                    stats,
                    String.format("%d rows, %d with an error, %d %s%n", rows, errors, tokens, what),
                    null);
              })
          .build();
    }
  }

  @Command(
      name = "score",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Score every row with a LLaMA model in Spark: perplexity of a text, log P(continuation | "
              + "context), or the best of several choices (LLaMA's evaluation protocol). For a text file on this "
              + "machine without Spark: corral local llama score.")
  static final class Score extends JobCommand {
    @Mixin Common common;

    @Option(names = "--mode", descriptionKey = "LlamaScorer.mode")
    String mode;

    @Override
    Job declare() {
      LlamaScorer scorer = new LlamaScorer();
      configure(common.options, List.of(scorer));
      return common.job("score", scorer, "tokens scored", col("tokens"));
    }

    @Override
    int progressSeconds() {
      return common.options.progressSeconds;
    }
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Continue the prompt of every row with a LLaMA model in Spark (greedy unless --temperature). "
              + "For prompts on this machine without Spark: corral local llama generate.")
  static final class Generate extends JobCommand {
    @Mixin Common common;

    @Option(names = "--prompt-column", descriptionKey = "LlamaGenerator.promptCol")
    String promptColumn;

    @Option(names = "--max-new-tokens", descriptionKey = "LlamaGenerator.maxNewTokens")
    String maxNewTokens;

    @Option(names = "--temperature", descriptionKey = "LlamaGenerator.temperature")
    String temperature;

    @Option(names = "--seed", descriptionKey = "LlamaGenerator.seed")
    String seed;

    @Override
    Job declare() {
      LlamaGenerator generator = new LlamaGenerator();
      configure(common.options, List.of(generator));
      return common.job("generate", generator, "tokens generated", size(col("generated_tokens")));
    }

    @Override
    int progressSeconds() {
      return common.options.progressSeconds;
    }
  }
}
