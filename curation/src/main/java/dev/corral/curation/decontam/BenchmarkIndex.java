package dev.corral.curation.decontam;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The benchmarks' n-gram hashes and which benchmarks hold each, as an open-addressing table (about
 * 24 bytes per distinct n-gram at half load), built on the driver and broadcast once to each
 * executor. A document matches a benchmark when one of its n-grams' hashes is in the table; with
 * 64-bit hashes a false match needs a collision, about {@code document n-grams x table n-grams /
 * 2^64} per document (1e-9 for a 10,000-word document against a million n-grams).
 */
public final class BenchmarkIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What a document shares with the benchmarks: their names (sorted) and the n-grams shared. */
  public record Match(String[] benchmarks, int ngrams) {
    static final Match NONE = new Match(new String[0], 0);
  }

  private final int n;
  private final String[] benchmarks;
  private final int[][] sets;
  private final long[] keys;
  private final int[] values;
  private final long[] ngramsPerBenchmark;

  private BenchmarkIndex(int n, Map<Long, List<String>> grams) {
    this.n = n;
    TreeSet<String> names = new TreeSet<>();
    grams.values().forEach(names::addAll);
    benchmarks = names.toArray(new String[0]);
    ngramsPerBenchmark = new long[benchmarks.length];
    int capacity = Integer.highestOneBit(Math.max(2, grams.size()) * 2 - 1) << 1;
    keys = new long[capacity];
    values = new int[capacity];
    Map<List<Integer>, Integer> setIds = new HashMap<>();
    List<int[]> setList = new ArrayList<>();
    for (Map.Entry<Long, List<String>> e : grams.entrySet()) {
      List<Integer> set =
          e.getValue().stream()
              .distinct()
              .map(b -> Arrays.binarySearch(benchmarks, b))
              .sorted()
              .toList();
      set.forEach(b -> ngramsPerBenchmark[b]++);
      int id =
          setIds.computeIfAbsent(
              set,
              s -> {
                setList.add(s.stream().mapToInt(Integer::intValue).toArray());
                return setList.size() - 1;
              });
      int slot = slot(e.getKey());
      keys[slot] = e.getKey();
      values[slot] = id;
    }
    sets = setList.toArray(new int[0][]);
  }

  /**
   * The index of {@code grams}: each n-gram hash (never 0, as {@link WordNgrams#gram} makes them)
   * with the benchmarks that hold it.
   */
  public static BenchmarkIndex of(int n, Map<Long, List<String>> grams) {
    return new BenchmarkIndex(n, grams);
  }

  /** The n-gram length, in words. */
  public int n() {
    return n;
  }

  /** The benchmarks, sorted by name. */
  public List<String> benchmarks() {
    return List.of(benchmarks);
  }

  /** Distinct n-grams per benchmark, by name. */
  public Map<String, Long> ngramsPerBenchmark() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (int i = 0; i < benchmarks.length; i++) {
      out.put(benchmarks[i], ngramsPerBenchmark[i]);
    }
    return out;
  }

  /** Distinct n-grams in all. */
  public int size() {
    int size = 0;
    for (long k : keys) {
      size += k == 0 ? 0 : 1;
    }
    return size;
  }

  /** What {@code text} shares with the benchmarks. */
  public Match match(String text) {
    long[] words = WordNgrams.wordHashes(text);
    if (words.length < n) {
      return Match.NONE;
    }
    long[] hits = null;
    int count = 0;
    for (int s = 0; s + n <= words.length; s++) {
      long h = WordNgrams.gram(words, s, n);
      if (keys[slot(h)] == h) {
        if (hits == null) {
          hits = new long[8];
        } else if (count == hits.length) {
          hits = Arrays.copyOf(hits, count * 2);
        }
        hits[count++] = h;
      }
    }
    if (count == 0) {
      return Match.NONE;
    }
    Arrays.sort(hits, 0, count);
    boolean[] matched = new boolean[benchmarks.length];
    int distinct = 0;
    for (int i = 0; i < count; i++) {
      if (i == 0 || hits[i] != hits[i - 1]) {
        distinct++;
        for (int b : sets[values[slot(hits[i])]]) {
          matched[b] = true;
        }
      }
    }
    List<String> names = new ArrayList<>();
    for (int b = 0; b < matched.length; b++) {
      if (matched[b]) {
        names.add(benchmarks[b]);
      }
    }
    return new Match(names.toArray(new String[0]), distinct);
  }

  /** The slot holding {@code key}, or the empty slot where it would go (linear probing). */
  private int slot(long key) {
    int mask = keys.length - 1;
    int i = (int) (key ^ (key >>> 32)) & mask;
    while (keys[i] != 0 && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }
}
