package dev.corral.jobs.plan;

/**
 * How many partitions of a partitioned output (folders such as {@code language=fr/bucket=head}) a
 * task of {@code n} rows writes to, from the rows each partition got in a sample. A task writes a
 * file per partition it has a row for, so this is a crawl step's output files per task: it grows
 * with the task's rows, and ever more slowly, as rarer languages turn up.
 *
 * <p>This is ecology's species-richness question. Up to the sample's size: the partitions expected
 * among {@code n} of its rows drawn without replacement (rarefaction, Hurlbert 1971). Beyond it:
 * the partitions seen, plus the unseen ones estimated from those seen once and twice (Chao 1987),
 * met at the rate the seen-once ones predict (Shen, Chao and Lin 2003).
 */
public final class Partitions {
  private Partitions() {}

  /**
   * The partitions a task of {@code n} rows is expected to write to, when a sample's rows fell into
   * partitions of {@code sampleRows} rows each (empty partitions ignored).
   */
  public static double perTask(long[] sampleRows, double n) {
    long total = 0;
    int seen = 0;
    int once = 0;
    int twice = 0;
    for (long r : sampleRows) {
      if (r > 0) {
        total += r;
        seen++;
        once += r == 1 ? 1 : 0;
        twice += r == 2 ? 1 : 0;
      }
    }
    if (total == 0 || n <= 0) {
      return 0;
    }
    if (n <= total) {
      double expected = 0;
      for (long r : sampleRows) {
        // The chance that none of the partition's r rows is among the n drawn.
        double missed = 1;
        for (long j = 0; j < r && missed > 0; j++) {
          missed *= Math.max(0, (total - n - j) / (double) (total - j));
        }
        expected += r > 0 ? 1 - missed : 0;
      }
      return expected;
    }
    double shrink = (total - 1) / (double) total;
    double unseen =
        twice > 0 ? shrink * once * once / (2.0 * twice) : shrink * once * (once - 1) / 2.0;
    if (unseen <= 0) {
      return seen;
    }
    double rate = once / (total * unseen + once);
    return seen + unseen * (1 - Math.pow(1 - rate, n - total));
  }
}
