package dev.corral.bench;

import dev.corral.curation.dedup.Jaccard;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Every pair of documents whose shingle sets have exact Jaccard similarity at or above a threshold,
 * two ways: brute force (every pair that passes the size filter {@code |A| ≥ t·|B|} is merged), and
 * prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007, "All-Pairs"), which is exact too
 * and lets the truth cover a whole corpus: with tokens in one global order, rarest first, two sets
 * with {@code J ≥ t} share a token among the first {@code |A| − ⌈t·|A|⌉ + 1} of each. The benchmark
 * checks that both agree on a prefix before trusting the faster one. Pairs are encoded as {@code a
 * << 32 | b} with {@code a < b} and returned sorted.
 */
public final class DedupGroundTruth {
  private DedupGroundTruth() {}

  /** The pair code of ids {@code a} and {@code b} (in either order). */
  public static long pair(long a, long b) {
    return Math.min(a, b) << 32 | Math.max(a, b);
  }

  /** Every pair with {@code J ≥ threshold}, merging each pair the size filter lets through. */
  public static long[] bruteForce(long[][] sets, double threshold, int threads) {
    int n = sets.length;
    Integer[] boxed = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(boxed, Comparator.comparingInt(i -> sets[i].length));
    int[] order = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    return run(
        threads,
        () ->
            IntStream.range(0, n)
                .parallel()
                .mapToObj(
                    i -> {
                      long[] a = sets[order[i]];
                      LongStream.Builder found = LongStream.builder();
                      // Sorted by size: once |B| exceeds |A| / t no later B can reach the
                      // threshold.
                      for (int j = i + 1;
                          j < n && sets[order[j]].length * threshold <= a.length + 1e-9;
                          j++) {
                        if (!(a.length == 0 && sets[order[j]].length == 0)
                            && Jaccard.similarity(a, sets[order[j]]) >= threshold) {
                          found.add(pair(order[i], order[j]));
                        }
                      }
                      return found.build().toArray();
                    })
                .flatMapToLong(LongStream::of)
                .sorted()
                .toArray());
  }

  /** The same pairs as {@link #bruteForce}, by prefix filtering. */
  public static long[] prefixFilter(long[][] sets, double threshold, int threads) {
    int n = sets.length;
    int[][] ranked = rankTokens(sets);
    Integer[] boxed = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(boxed, Comparator.comparingInt(i -> sets[i].length));
    int[] order = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    int[] place = new int[n];
    for (int i = 0; i < n; i++) {
      place[order[i]] = i;
    }
    // Postings of prefix tokens only, each list in size order (CSR: start offsets, then document
    // places).
    int tokens = 0;
    for (int[] r : ranked) {
      for (int t : r) {
        tokens = Math.max(tokens, t + 1);
      }
    }
    int[] start = new int[tokens + 1];
    for (int i = 0; i < n; i++) {
      int[] r = ranked[order[i]];
      for (int k = 0; k < prefix(r.length, threshold); k++) {
        start[r[k] + 1]++;
      }
    }
    for (int t = 0; t < tokens; t++) {
      start[t + 1] += start[t];
    }
    int[] fill = Arrays.copyOf(start, tokens);
    int[] postings = new int[start[tokens]];
    for (int i = 0; i < n; i++) {
      int[] r = ranked[order[i]];
      for (int k = 0; k < prefix(r.length, threshold); k++) {
        postings[fill[r[k]]++] = i;
      }
    }
    return run(
        threads,
        () ->
            IntStream.range(0, n)
                .parallel()
                .mapToObj(
                    i -> {
                      long[] a = sets[order[i]];
                      int[] r = ranked[order[i]];
                      LongStream.Builder found = LongStream.builder();
                      // Candidates are smaller-or-equal sets seen earlier in size order, each
                      // merged once.
                      int[] seen = new int[0];
                      int seenCount = 0;
                      for (int k = 0; k < prefix(r.length, threshold); k++) {
                        for (int p = start[r[k]]; p < start[r[k] + 1]; p++) {
                          int j = postings[p];
                          if (j >= i) {
                            break;
                          }
                          if (sets[order[j]].length < threshold * a.length - 1e-9) {
                            continue;
                          }
                          if (seenCount == seen.length) {
                            seen = Arrays.copyOf(seen, Math.max(16, seenCount * 2));
                          }
                          seen[seenCount++] = j;
                        }
                      }
                      Arrays.sort(seen, 0, seenCount);
                      for (int c = 0; c < seenCount; c++) {
                        if (c > 0 && seen[c] == seen[c - 1]) {
                          continue;
                        }
                        if (Jaccard.similarity(a, sets[order[seen[c]]]) >= threshold) {
                          found.add(pair(order[i], order[seen[c]]));
                        }
                      }
                      return found.build().toArray();
                    })
                .flatMapToLong(LongStream::of)
                .sorted()
                .toArray());
  }

  // Tokens needed in the prefix: a set of size m meets one of J ≥ t in at least ⌈t·m⌉ tokens.
  private static int prefix(int m, double threshold) {
    return Math.min(m, m - (int) Math.ceil(threshold * m - 1e-9) + 1);
  }

  // Each set's tokens as ranks in one global order, rarest first (ties by hash), each list sorted
  // ascending.
  private static int[][] rankTokens(long[][] sets) {
    long[] all = Arrays.stream(sets).flatMapToLong(LongStream::of).toArray();
    Arrays.parallelSort(all);
    int distinct = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        distinct++;
      }
    }
    long[] values = new long[distinct];
    long[] byFrequency = new long[distinct];
    for (int i = 0, d = -1; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        values[++d] = all[i];
      }
      byFrequency[d]++;
    }
    // Sort distinct tokens by (frequency, index): frequency in the high bits, index in the low 32.
    for (int d = 0; d < distinct; d++) {
      byFrequency[d] = byFrequency[d] << 32 | d;
    }
    Arrays.parallelSort(byFrequency);
    int[] rank = new int[distinct];
    for (int r = 0; r < distinct; r++) {
      rank[(int) byFrequency[r]] = r;
    }
    int[][] out = new int[sets.length][];
    for (int s = 0; s < sets.length; s++) {
      out[s] = new int[sets[s].length];
      for (int k = 0; k < sets[s].length; k++) {
        out[s][k] = rank[Arrays.binarySearch(values, sets[s][k])];
      }
      Arrays.sort(out[s]);
    }
    return out;
  }

  private static long[] run(int threads, Supplier<long[]> work) {
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return pool.submit(work::get).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdown();
    }
  }
}
