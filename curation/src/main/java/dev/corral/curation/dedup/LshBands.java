package dev.corral.curation.dedup;

import java.io.Serializable;

/**
 * Banding of a MinHash signature for locality-sensitive hashing (Leskovec et al., Mining of Massive
 * Datasets, ch. 3.4): {@code bands} groups of {@code rows} values each; two documents become
 * candidates when all rows of some band agree, which for Jaccard similarity {@code s} happens with
 * probability {@code 1 − (1 − s^r)^b}, an S-curve whose steep part sits near {@code (1/b)^(1/r)}.
 *
 * @param bands number of bands
 * @param rows signature values per band
 */
public record LshBands(int bands, int rows) implements Serializable {
  private static final int STEPS = 200;

  public LshBands {
    if (bands < 1 || rows < 1) {
      throw new IllegalArgumentException(
          "bands and rows must be at least 1, got " + bands + " x " + rows);
    }
  }

  /**
   * The bands and rows, with {@code bands · rows ≤ numPerm}, that minimize the area under the
   * S-curve below the threshold (false positives) plus the area above it left uncovered (false
   * negatives), each weighted by {@code weightFalsePositive} and {@code 1 − weightFalsePositive},
   * as datasketch's MinHashLSH chooses them.
   */
  public static LshBands optimal(double threshold, int numPerm, double weightFalsePositive) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
    }
    LshBands best = null;
    double bestError = Double.POSITIVE_INFINITY;
    for (int b = 1; b <= numPerm; b++) {
      for (int r = 1; r <= numPerm / b; r++) {
        LshBands candidate = new LshBands(b, r);
        double falsePositives = candidate.area(0, threshold, false);
        double falseNegatives = candidate.area(threshold, 1, true);
        double error =
            weightFalsePositive * falsePositives + (1 - weightFalsePositive) * falseNegatives;
        if (error < bestError) {
          bestError = error;
          best = candidate;
        }
      }
    }
    return best;
  }

  /** The probability that two documents of Jaccard similarity {@code s} share at least one band. */
  public double candidateProbability(double s) {
    return 1 - Math.pow(1 - Math.pow(s, rows), bands);
  }

  public int numPerm() {
    return bands * rows;
  }

  // Simpson's rule over [from, to] of the S-curve, or of its complement for the false-negative
  // area.
  private double area(double from, double to, boolean complement) {
    double h = (to - from) / STEPS;
    double sum = 0;
    for (int i = 0; i <= STEPS; i++) {
      double p = candidateProbability(from + i * h);
      double y = complement ? 1 - p : p;
      sum += y * (i == 0 || i == STEPS ? 1 : i % 2 == 1 ? 4 : 2);
    }
    return sum * h / 3;
  }

  /** The 64-bit bucket key of band {@code band} of {@code signature}, distinct across bands. */
  public long key(long[] signature, int band) {
    long h = 0x9E3779B97F4A7C15L * (band + 1);
    int from = band * rows;
    for (int i = from; i < from + rows; i++) {
      h = Shingles.mix(h ^ signature[i]) + i;
    }
    return h;
  }
}
