package dev.corral.curation.mixture;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Draws a source's documents for a mixture: {@code factor} = target tokens / available tokens;
 * every document {@code floor(factor)} times, plus the documents of a seeded sample holding {@code
 * frac(factor)} of the tokens (an epoch count of 2.45 is every document twice plus a 45% sample).
 * The sample takes documents in the order of a hash of (seed, source, id), so it depends on the
 * seed and the ids only, never on partitioning, and it stops within one document of the token
 * target.
 */
final class Sampler {
  /**
   * Hash buckets of the first pass; the second pass sorts only the bucket where the target falls.
   */
  private static final int BUCKETS = 4096;

  private Sampler() {}

  /** A uniform number in [0, 1) from (seed, source, id): 53 bits of a 64-bit hash. */
  static Column uniform(long seed, String source, Column id) {
    return shiftrightunsigned(xxhash64(lit(seed), lit(source), id), 11)
        .cast("double")
        .divide(Math.pow(2, 53));
  }

  /**
   * {@code docs} (with {@code id}, {@code num_tokens}) repeated as {@code factor} says, one row per
   * copy with a {@code copy} index. {@code available} is the sum of {@code num_tokens}.
   */
  static Dataset<Row> sample(
      Dataset<Row> docs, long seed, String source, double factor, long available) {
    long whole = (long) Math.floor(factor);
    double fraction = factor - whole;
    Dataset<Row> withU = docs.withColumn("_u", uniform(seed, source, col("id")));
    double cutoff = fraction <= 0 ? 0 : cutoff(withU, fraction * available);
    Column copies = lit(whole).plus(when(col("_u").lt(cutoff), 1).otherwise(0));
    return withU
        .withColumn("_copies", copies)
        .filter(col("_copies").gt(0))
        .withColumn("copy", explode(sequence(lit(0L), col("_copies").minus(1))))
        .drop("_u", "_copies");
  }

  /**
   * The u below which documents hold {@code target} tokens (to the nearest document), in two
   * passes.
   */
  static double cutoff(Dataset<Row> withU, double target) {
    List<Row> histogram =
        withU
            .groupBy(floor(col("_u").multiply(BUCKETS)).as("b"))
            .agg(sum("num_tokens").as("t"))
            .orderBy("b")
            .collectAsList();
    double cumulative = 0;
    long bucket = -1;
    for (Row r : histogram) {
      double t = r.getLong(1);
      if (cumulative + t >= target) {
        bucket = r.getLong(0);
        break;
      }
      cumulative += t;
    }
    if (bucket < 0) {
      return 1.0; // the target exceeds what there is: take everything
    }
    List<Row> inBucket =
        withU
            .filter(floor(col("_u").multiply(BUCKETS)).equalTo(bucket))
            .select("_u", "num_tokens")
            .orderBy("_u")
            .collectAsList();
    for (Row r : inBucket) {
      double t = r.getLong(1);
      // Take the document if that lands nearer the target than leaving it out.
      if (cumulative + t / 2 > target) {
        return r.getDouble(0);
      }
      cumulative += t;
    }
    return (bucket + 1.0) / BUCKETS;
  }
}
