package dev.corral.curation.fasttext;

/**
 * {@code expf} as the fastText binary computes it on x86-64: glibc's table-driven single-precision
 * exponential (2^(k/32) from a table, a cubic for the rest, in double) in the variant glibc selects
 * on CPUs with FMA. {@code (float) Math.exp(x)} differs from it in the last bit about once in 10^4
 * calls, enough to change fastText's sixth printed digit now and then.
 */
final class Expf {
  private static final int N = 32;
  private static final double INV_LN2_N = 0x1.71547652b82fep+0 * N;
  private static final double SHIFT = 0x1.8p+52;
  private static final double C0 = 0x1.c6af84b912394p-5 / N / N / N;
  private static final double C1 = 0x1.ebfce50fac4f3p-3 / N / N;
  private static final double C2 = 0x1.62e42ff0c52d6p-1 / N;

  /** Bits of 2^(i/32), correctly rounded, minus i << 47 (the exponent is added back from k). */
  private static final long[] TABLE = {
    0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L,
    0x3fef72b83c7d517bL, 0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L,
    0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL, 0x3feedea64c123422L, 0x3feece086061892dL,
    0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L, 0x3feea47eb03a5585L,
    0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
    0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL,
    0x3feee89f995ad3adL, 0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L,
    0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL, 0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L,
  };

  private Expf() {}

  static float expf(float x) {
    if (!(Math.abs(x) < 88f)) {
      return (float) Math.exp(x); // overflow, underflow, NaN: no rounding subtleties left
    }
    // x / ln2 = k/32 + r, so e^x = 2^(k/32) * 2^r with |r| <= 1/64
    double z = INV_LN2_N * x;
    double kd = z + SHIFT;
    long ki = Double.doubleToRawLongBits(kd);
    kd -= SHIFT;
    double r = z - kd;
    double s = Double.longBitsToDouble(TABLE[(int) (ki & (N - 1))] + (ki << 47));
    double p = Math.fma(C0, r, C1);
    double y = Math.fma(C2, r, 1);
    y = Math.fma(p, r * r, y);
    return (float) (y * s);
  }
}
