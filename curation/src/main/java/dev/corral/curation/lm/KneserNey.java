package dev.corral.curation.lm;

import dev.corral.core.Errors;

/**
 * Interpolated modified Kneser-Ney estimation (Chen and Goodman 1998, "An Empirical Study of
 * Smoothing Techniques for Language Modeling", section 3.5 and equation 26), unpruned, computed as
 * KenLM's {@code lmplz} computes it (Heafield et al. 2013, "Scalable Modified Kneser-Ney Language
 * Model Estimation", sections 3.3-3.4), in the same single-precision steps, so that the ARPA values
 * come out as lmplz's:
 *
 * <ol>
 *   <li>discounts per order from the counts of adjusted counts {@code n1..n4}: {@code Y = n1 / (n1
 *       + 2 n2)}, {@code D_j = j - (j + 1) Y n_{j+1} / n_j} for j = 1, 2, 3+;
 *   <li>per context {@code c}: {@code p'(w|c) = (a(cw) - D(a(cw))) / sum_x a(cx)} and the
 *       interpolation weight {@code gamma(c) = (D1 N1(c.) + D2 N2(c.) + D3 N3+(c.)) / sum_x a(cx)};
 *   <li>interpolation from unigrams up: {@code p(w|c) = p'(w|c) + gamma(c) p(w|c')}, where {@code
 *       c'} drops the first word and the unigrams interpolate with the uniform {@code 1/|V|} over
 *       the vocabulary less {@code <s>};
 *   <li>ARPA values {@code log10 p} and, for an n-gram that is a context, {@code log10 gamma}.
 * </ol>
 *
 * lmplz's special cases: {@code <unk>} has no count, so its probability is all interpolation,
 * {@code gamma(empty)/|V|}; {@code <s>} gets probability 1 (log10 0), since it is only ever a
 * context; n-grams ending in {@code </s>} or {@code <unk>} are no context and get back-off 0.
 */
final class KneserNey {
  /**
   * log10 probabilities {@code [k-1][i]} and back-offs (orders below N) aligned with {@link
   * NgramCounts}.
   */
  record Estimate(float[][] log10Prob, float[][] log10Backoff, float[][] discounts) {}

  private KneserNey() {}

  static Estimate estimate(NgramCounts counts) {
    int order = counts.order();
    float[][] discounts = new float[order][];
    for (int k = 1; k <= order; k++) {
      discounts[k - 1] = discounts(k, counts.counts[k - 1]);
    }
    float[][] prob = new float[order][];
    float[][] gamma = new float[order][]; // gamma of each n-gram's own context group
    float[][] contextGamma =
        new float[order][]; // gamma of the group that has the n-gram as its context
    for (int k = 1; k <= order; k++) {
      int n = counts.size(k);
      prob[k - 1] = new float[n];
      gamma[k - 1] = new float[n];
      contextGamma[k - 1] = new float[n];
      java.util.Arrays.fill(contextGamma[k - 1], Float.NaN);
    }
    for (int k = 1; k <= order; k++) {
      uninterpolated(
          counts,
          k,
          discounts[k - 1],
          prob[k - 1],
          gamma[k - 1],
          k >= 2 ? contextGamma[k - 2] : null);
    }
    // lmplz: 1.0 / static_cast<float>(vocab_size), a double quotient stored in a float; |V|
    // excludes <s>.
    float uniform = (float) (1.0 / (double) (float) (counts.size(1) - 1));
    int[] ids = new int[order];
    for (int k = 1; k <= order; k++) {
      float[] p = prob[k - 1];
      float[] g = gamma[k - 1];
      int[] w = counts.words[k - 1];
      for (int i = 0; i < p.length; i++) {
        float lower;
        if (k == 1) {
          lower = uniform;
        } else {
          System.arraycopy(w, i * k + 1, ids, 0, k - 1);
          lower = prob[k - 2][counts.find(k - 1, ids, 0)];
        }
        // Two roundings, a product then a sum, as lmplz's float expression compiles without FMA.
        float product = g[i] * lower;
        p[i] = p[i] + product;
      }
    }
    float[][] log10Prob = new float[order][];
    float[][] log10Backoff = new float[order][];
    for (int k = 1; k <= order; k++) {
      float[] p = prob[k - 1];
      int[] w = counts.words[k - 1];
      log10Prob[k - 1] = new float[p.length];
      log10Backoff[k - 1] = new float[k < order ? p.length : 0];
      for (int i = 0; i < p.length; i++) {
        float lp = log10f(p[i]);
        // std::min(0.0f, x): 0 unless x < 0, so rounding above 1 and a NaN both print 0.
        log10Prob[k - 1][i] = lp < 0f ? lp : 0f;
        if (k < order) {
          int last = w[i * k + k - 1];
          float cg = contextGamma[k - 1][i];
          boolean context = last != NgramCounts.UNK && last != NgramCounts.EOS && !Float.isNaN(cg);
          log10Backoff[k - 1][i] = context ? log10f(cg) : 0f;
        }
      }
    }
    return new Estimate(log10Prob, log10Backoff, discounts);
  }

  /** Chen and Goodman's equation 26 in lmplz's float arithmetic; {@code D[0] = 0} for count 0. */
  static float[] discounts(int k, long[] adjusted) {
    long[] n = new long[5];
    for (long c : adjusted) {
      if (c < 5) {
        n[(int) c]++;
      }
    }
    for (int j = 1; j < 4; j++) {
      if (n[j] == 0) {
        throw Errors.cannotEstimate(
            "no "
                + k
                + "-grams have adjusted count "
                + j
                + ", so the Kneser-Ney "
                + "discount for count "
                + (j + 1)
                + " is undefined; is the corpus tiny or duplicated?");
      }
    }
    float[] d = new float[4];
    float y = (float) n[1] / (float) (n[1] + 2.0 * n[2]);
    for (int j = 1; j < 4; j++) {
      d[j] = (float) j - (float) (j + 1) * y * (float) n[j + 1] / (float) n[j];
      if (d[j] < 0f || d[j] > j) {
        throw Errors.cannotEstimate(
            "the "
                + k
                + "-gram discount for adjusted count "
                + j
                + " is "
                + d[j]
                + ", outside [0, "
                + j
                + "]; is the corpus tiny or artificial?");
      }
    }
    return d;
  }

  /**
   * For each context group of order {@code k} (adjacent, as the n-grams are sorted first word
   * first): the discounted probability of each member, the group's gamma on each member, and, for
   * {@code k >= 2}, the gamma on the context itself in order {@code k-1} ({@code contextGamma}).
   */
  private static void uninterpolated(
      NgramCounts counts, int k, float[] d, float[] prob, float[] gamma, float[] contextGamma) {
    int[] w = counts.words[k - 1];
    long[] a = counts.counts[k - 1];
    int n = a.length;
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n && NgramCounts.compare(w, start * k, w, end * k, k - 1) == 0) {
        end++;
      }
      long denominator = 0;
      long[] n123 = new long[4];
      for (int i = start; i < end; i++) {
        denominator += a[i];
        if (a[i] > 0) {
          n123[(int) Math.min(a[i], 3)]++;
        }
      }
      float denom = (float) denominator;
      float g = 0f;
      for (int j = 1; j <= 3; j++) {
        g += d[j] * (float) n123[j];
      }
      g /= denom;
      for (int i = start; i < end; i++) {
        float discount = d[(int) Math.min(a[i], 3)];
        prob[i] = ((float) a[i] - discount) / denom;
        gamma[i] = g;
      }
      if (k == 1) {
        // <unk>: interpolation mass only; <s>: probability 1 and no interpolation (lmplz's
        // MergeRight).
        prob[NgramCounts.UNK] = 0f;
        prob[NgramCounts.BOS] = 1f;
        gamma[NgramCounts.BOS] = 0f;
      } else {
        contextGamma[counts.find(k - 1, w, start * k)] = g;
      }
      start = end;
    }
  }

  /**
   * glibc's {@code log10f} (the Sun algorithm: {@code k log10(2) + log(m) / ln(10)} for {@code x =
   * m 2^k}, {@code m} in [sqrt(2)/2, sqrt(2)), in float steps), over a correctly rounded {@code
   * logf}. A plain {@code (float) Math.log10(x)} differs from lmplz's value in the last bit for
   * about a quarter of inputs; this, only where glibc's own {@code logf} is not correctly rounded
   * (under 1%).
   */
  static float log10f(float x) {
    int hx = Float.floatToRawIntBits(x);
    if (hx < 0x00800000 || hx >= 0x7f800000) {
      return (float)
          Math.log10(x); // zero, subnormal, negative, infinite, NaN: no interpolated probability
    }
    int k = (hx >> 23) - 127;
    int i = k >>> 31;
    float y = (float) (k + i);
    float m = Float.intBitsToFloat((hx & 0x007fffff) | ((0x7f - i) << 23));
    float z = y * LOG10_2LO + IVLN10 * (float) Math.log(m);
    return z + y * LOG10_2HI;
  }

  private static final float IVLN10 = 4.3429449201e-01f;
  private static final float LOG10_2HI = 3.0102920532e-01f;
  private static final float LOG10_2LO = 7.9034151668e-07f;
}
