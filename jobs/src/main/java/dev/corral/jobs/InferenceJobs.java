package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import dev.corral.core.io.Tables;
import dev.corral.inference.spark.InferenceMetrics;
import dev.corral.inference.spark.InferenceProgress;
import dev.corral.inference.spark.LlamaGenerator;
import dev.corral.inference.spark.LlamaScorer;
import dev.corral.inference.spark.LlamaTransformer;
import dev.corral.core.job.ResumableWrite;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corral score} and {@code corral generate}: a LLaMA model over every row of a table, in Spark. */
final class InferenceJobs {
  private InferenceJobs() {}

  /** Options both jobs share. */
  static final class Common {
    @Option(names = "--model", required = true, description = "Hugging Face checkpoint folder (any Hadoop path).")
    String model;

    @Option(names = "--input", required = true, description = "JSONL, Parquet or Delta input.")
    String input;

    @Option(names = "--output", required = true, description = "Output path.")
    String output;

    @Option(names = "--format", defaultValue = "delta", description = "delta, parquet or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--batch-tokens", defaultValue = "4096", description = "Token budget of a batch (default: ${DEFAULT-VALUE}).")
    int batchTokens;

    @Option(names = "--partitions-per-commit", defaultValue = "16", description = "Delta output: input "
        + "partitions per commit; a rerun of a stopped job skips the committed ones (default: ${DEFAULT-VALUE}).")
    int partitionsPerCommit;

    @Option(names = "--progress-seconds", defaultValue = "5", description = "Seconds between progress lines on "
        + "stderr, 0 for none (default: ${DEFAULT-VALUE}).")
    int progressSeconds;

    /**
     * Runs {@code stage} over the input and writes the result (Delta: resumably, see {@link ResumableWrite}),
     * printing a progress line to stderr while it runs, then a summary (rows, errors, tokens), and writes the run
     * info beside the output.
     */
    void run(SparkSession spark, LlamaTransformer<?> stage, String job, String what, Column tokensPerRow,
        Map<String, Object> config) {
      config.put("model", model);
      config.put("input", input);
      config.put("batch_tokens", batchTokens);
      Dataset<Row> in = Tables.read(spark, input, null);
      long total = in.count();
      InferenceMetrics metrics = InferenceMetrics.register(spark.sparkContext(), job);
      stage.setMetrics(metrics);
      InferenceProgress progress = new InferenceProgress(spark.sparkContext(), metrics, total, "corral " + job,
          System.err, progressSeconds > 0 ? progressSeconds * 1000L : Long.MAX_VALUE);
      try {
        if (format.trim().equalsIgnoreCase(Tables.DELTA)) {
          // the run's identity: what decides its rows; a rerun with the same settings resumes it
          String key = job + " " + new TreeMap<>(config) + " -> " + output;
          ResumableWrite.Result r = ResumableWrite.run(spark, in, stage::transform, output, key, partitionsPerCommit);
          if (r.skipped() > 0) {
            System.err.printf("corral %s: resumed %s: %d of %d commits were already written%n", job, output,
                r.skipped(), r.chunks());
          }
        } else {
          Tables.write(stage.transform(in), output, format);
        }
      } finally {
        progress.close();
      }
      System.err.println(progress.summary());
      Row totals = Tables.read(spark, output, format)
          .agg(count("*"), sum(col("error").isNotNull().cast("long")), sum(tokensPerRow)).first();
      long rows = totals.getLong(0);
      long errors = totals.isNullAt(1) ? 0 : totals.getLong(1);
      long tokens = totals.isNullAt(2) ? 0 : totals.getLong(2);
      System.out.printf("%d rows, %d with an error, %d %s; wrote %s (%s)%n", rows, errors, tokens, what, output,
          format);
      InferenceMetrics.Snapshot s = metrics.snapshot();
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("rows", rows);
      stats.put("errors", errors);
      stats.put(what.replace(' ', '_'), tokens);
      stats.put("tokens_in_this_run", s.tokensIn());
      stats.put("tokens_out_this_run", s.tokensOut());
      Tables.writeRunInfo(spark, output, job, config, stats);
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Score every row with a LLaMA model: perplexity of a text, log P(continuation | context), "
          + "or the best of several choices (LLaMA's evaluation protocol).")
  static final class Score implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--mode", defaultValue = "perplexity", description = "perplexity, continuation or choice (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--text-column", defaultValue = "text", description = "Text column in perplexity mode (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Override
    public Integer call() {
      SparkSession spark = SparkSessions.create("corral score");
      LlamaScorer scorer = new LlamaScorer().setModelPath(common.model).setMode(mode).setTextCol(textColumn)
          .setBatchTokens(common.batchTokens);
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("mode", mode);
      config.put("text_column", textColumn);
      common.run(spark, scorer, "score", "tokens scored", col("tokens"), config);
      return 0;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Continue the prompt of every row with a LLaMA model (greedy unless --temperature).")
  static final class Generate implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--prompt-column", defaultValue = "prompt", description = "Prompt column (default: ${DEFAULT-VALUE}).")
    String promptColumn;

    @Option(names = "--max-new-tokens", defaultValue = "128", description = "At most this many tokens (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", description = "Sampling temperature (default: greedy).")
    Double temperature;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
      SparkSession spark = SparkSessions.create("corral generate");
      LlamaGenerator generator = new LlamaGenerator().setModelPath(common.model).setPromptCol(promptColumn)
          .setMaxNewTokens(maxNewTokens).setSeed(seed).setBatchTokens(common.batchTokens);
      if (temperature != null) {
        generator.setTemperature(temperature);
      }
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("prompt_column", promptColumn);
      config.put("max_new_tokens", maxNewTokens);
      config.put("temperature", temperature);
      config.put("seed", seed);
      common.run(spark, generator, "generate", "tokens generated", size(col("generated_tokens")), config);
      return 0;
    }
  }
}
