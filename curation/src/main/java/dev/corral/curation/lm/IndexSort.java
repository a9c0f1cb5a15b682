package dev.corral.curation.lm;

/**
 * Sorts a permutation of indices by a primitive comparison, stably (merge sort), so that n-gram
 * tables can be ordered without boxing millions of {@code Integer}s.
 */
final class IndexSort {
  private IndexSort() {}

  /** Compares the items at two indices. */
  @FunctionalInterface
  interface Comparison {
    int compare(int a, int b);
  }

  /** The indices {@code 0..n-1} ordered by {@code comparison}, ties in index order. */
  static int[] sort(int n, Comparison comparison) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    int[] b = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          b[k++] = comparison.compare(a[j], a[i]) < 0 ? a[j++] : a[i++];
        }
        while (i < mid) {
          b[k++] = a[i++];
        }
        while (j < hi) {
          b[k++] = a[j++];
        }
      }
      int[] t = a;
      a = b;
      b = t;
    }
    return a;
  }
}
