package dev.corral.inference.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * The progress counters of a LLaMA stage: rows done, rows with an error, tokens in (tokenized
 * inputs: texts, context plus continuation, prompts) and tokens out (generated tokens). They are
 * named Spark accumulators, so they show in the Spark UI on the stage that ran the model, and the
 * driver reads them while a job runs (see {@link InferenceProgress}).
 *
 * <p>The workers update them in a transformation, so a task that is retried (a lost executor)
 * counts its rows again: they measure work done, not the rows of the result; count the result for
 * that.
 */
public final class InferenceMetrics implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LongAccumulator rows;
  private final LongAccumulator errors;
  private final LongAccumulator tokensIn;
  private final LongAccumulator tokensOut;

  private InferenceMetrics(
      LongAccumulator rows,
      LongAccumulator errors,
      LongAccumulator tokensIn,
      LongAccumulator tokensOut) {
    this.rows = rows;
    this.errors = errors;
    this.tokensIn = tokensIn;
    this.tokensOut = tokensOut;
  }

  /**
   * Registers four accumulators named {@code corral.<name>.rows}, {@code .errors}, {@code
   * .tokens_in} and {@code .tokens_out}.
   */
  public static InferenceMetrics register(SparkContext sc, String name) {
    return new InferenceMetrics(
        sc.longAccumulator("corral." + name + ".rows"),
        sc.longAccumulator("corral." + name + ".errors"),
        sc.longAccumulator("corral." + name + ".tokens_in"),
        sc.longAccumulator("corral." + name + ".tokens_out"));
  }

  /** The driver's values: every finished task's updates. */
  public Snapshot snapshot() {
    return new Snapshot(rows.value(), errors.value(), tokensIn.value(), tokensOut.value());
  }

  /** The accumulators, in {@link Snapshot}'s order. */
  public List<LongAccumulator> accumulators() {
    return List.of(rows, errors, tokensIn, tokensOut);
  }

  void row(boolean error) {
    rows.add(1);
    if (error) {
      errors.add(1);
    }
  }

  void tokensIn(long n) {
    tokensIn.add(n);
  }

  void tokensOut(long n) {
    tokensOut.add(n);
  }

  /** Counter values at one time. */
  public record Snapshot(long rows, long errors, long tokensIn, long tokensOut) {
    /** Tokens in and out. */
    public long tokens() {
      return tokensIn + tokensOut;
    }
  }
}
