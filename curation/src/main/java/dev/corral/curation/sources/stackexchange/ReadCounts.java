package dev.corral.curation.sources.stackexchange;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * Counts of a read, reported by each task when it ends, keyed by what the task read (a split of a
 * file, an archive, a partition of grouped posts). Two reports with the same key (a task run again,
 * an action that reads twice) merge by taking the larger of each count, not their sum, so the
 * counts say what the input holds however often Spark reads it.
 */
final class ReadCounts extends AccumulatorV2<ReadCounts.Tally, Map<String, ReadCounts.Tally>> {
  private static final long serialVersionUID = 1L;

  /** At most this many malformed places are kept per tally. */
  static final int EXAMPLES = 5;

  private final HashMap<String, Tally> tallies = new HashMap<>();

  /**
   * One task's counts.
   *
   * @param key what was read, unique per task's work
   * @param file the file read, or null for counts after grouping
   * @param counts counter name (a {@code site/what} pair or a file counter) to value
   * @param malformed the first malformed places, {@code file:offset: why}
   */
  record Tally(String key, String file, Map<String, Long> counts, List<String> malformed)
      implements Serializable {
    Tally max(Tally other) {
      Map<String, Long> c = new TreeMap<>(counts);
      other.counts.forEach((k, v) -> c.merge(k, v, Math::max));
      List<String> m = malformed.size() >= other.malformed.size() ? malformed : other.malformed;
      return new Tally(key, file, c, m);
    }
  }

  /** Collects one task's counts before it reports them. */
  static final class Builder {
    private final String key;
    private final String file;
    private final Map<String, Long> counts = new TreeMap<>();
    private final List<String> malformed = new ArrayList<>();

    Builder(String key, String file) {
      this.key = key;
      this.file = file;
    }

    void add(String counter, long n) {
      counts.merge(counter, n, Long::sum);
    }

    void malformed(String where) {
      if (malformed.size() < EXAMPLES) {
        malformed.add(where);
      }
    }

    Tally build() {
      return new Tally(key, file, new TreeMap<>(counts), new ArrayList<>(malformed));
    }
  }

  @Override
  public boolean isZero() {
    return tallies.isEmpty();
  }

  @Override
  public synchronized ReadCounts copy() {
    ReadCounts c = new ReadCounts();
    c.tallies.putAll(tallies);
    return c;
  }

  @Override
  public synchronized void reset() {
    tallies.clear();
  }

  @Override
  public synchronized void add(Tally t) {
    tallies.merge(t.key(), t, Tally::max);
  }

  @Override
  public void merge(AccumulatorV2<Tally, Map<String, Tally>> other) {
    other.value().values().forEach(this::add);
  }

  /** A snapshot: Spark's scheduler merges task reports while the driver reads. */
  @Override
  public synchronized Map<String, Tally> value() {
    return Collections.unmodifiableMap(new HashMap<>(tallies));
  }

  /** Sum of {@code counter} over every tally and site ({@code site\tcounter} keys). */
  long total(String counter) {
    long sum = 0;
    String suffix = "\t" + counter;
    for (Tally t : value().values()) {
      for (Map.Entry<String, Long> e : t.counts().entrySet()) {
        if (e.getKey().endsWith(suffix)) {
          sum += e.getValue();
        }
      }
    }
    return sum;
  }

  /** Sums of every counter, by name. */
  Map<String, Long> totals() {
    Map<String, Long> sums = new TreeMap<>();
    for (Tally t : value().values()) {
      t.counts().forEach((k, v) -> sums.merge(k, v, Long::sum));
    }
    return sums;
  }
}
