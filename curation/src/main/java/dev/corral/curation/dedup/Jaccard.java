package dev.corral.curation.dedup;

/** Set similarity of two sorted, distinct shingle arrays (see {@link Shingles}), by one merge. */
public final class Jaccard {
  private Jaccard() {}

  /** {@code |A ∩ B| / |A ∪ B|}; two empty sets are identical (1.0). */
  public static double similarity(long[] a, long[] b) {
    if (a.length == 0 && b.length == 0) {
      return 1.0;
    }
    long common = intersection(a, b);
    return (double) common / (a.length + b.length - common);
  }

  /**
   * {@code |A ∩ B| / |A|}: how much of {@code a} is inside {@code b}; an empty {@code a} is
   * contained (1.0).
   */
  public static double containment(long[] a, long[] b) {
    return a.length == 0 ? 1.0 : (double) intersection(a, b) / a.length;
  }

  /** {@code |A ∩ B|}. */
  public static long intersection(long[] a, long[] b) {
    long common = 0;
    int i = 0;
    int j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        common++;
        i++;
        j++;
      }
    }
    return common;
  }
}
