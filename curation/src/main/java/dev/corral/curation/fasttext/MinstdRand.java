package dev.corral.curation.fasttext;

/**
 * C++'s {@code std::minstd_rand} with libstdc++'s {@code uniform_int_distribution} and {@code
 * uniform_real_distribution<double>}, so that seeds mean what they mean to fastText.
 */
final class MinstdRand {
  private static final long A = 48271;
  private static final long M = 2147483647;
  private static final long RANGE = M - 1; // outputs are 1..M-1

  private long x;

  MinstdRand(long seed) {
    long s = Math.floorMod(seed, M);
    x = s == 0 ? 1 : s;
  }

  long next() {
    x = x * A % M;
    return x;
  }

  /**
   * libstdc++'s uniform_int_distribution(a, b) when b - a is below the engine's range (always
   * here).
   */
  int uniformInt(int a, int b) {
    long urange = (long) b - a;
    long urngRange = RANGE - 1; // max - min
    long erange = urange + 1;
    long scaling = urngRange / erange;
    long past = erange * scaling;
    long r;
    do {
      r = next() - 1;
    } while (r >= past);
    return (int) (a + r / scaling);
  }

  /** libstdc++'s generate_canonical<double, 53>: two draws of the 31-bit engine. */
  double canonical() {
    double r = RANGE;
    double sum = (next() - 1) + (next() - 1) * r;
    double result = sum / (r * r);
    return result >= 1.0 ? Math.nextDown(1.0) : result;
  }

  /** libstdc++'s uniform_real_distribution<double>(a, b). */
  double uniformReal(double a, double b) {
    return canonical() * (b - a) + a;
  }
}
