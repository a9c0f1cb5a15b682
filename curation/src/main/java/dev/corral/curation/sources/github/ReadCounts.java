package dev.corral.curation.sources.github;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Per-file reading counts (records read, malformed records and where the first ones are) that
 * survive recomputation: each task reports what it read under a key of its own (a file, or a part
 * of a table), and two reports with the same key merge by taking the larger count, not the sum, so
 * a retried task or a second action over the same read does not count twice.
 */
public final class ReadCounts
    extends AccumulatorV2<ReadCounts.Count, Map<String, ReadCounts.Count>> {
  private static final long serialVersionUID = 1L;

  /** Malformed places named per key. */
  static final int NAMED = 5;

  private final HashMap<String, Count> counts = new HashMap<>();

  /**
   * What one task read.
   *
   * @param key what was read: a file, or a table file and the task's partition
   * @param file the file, as reports name it
   * @param records records read, malformed ones included
   * @param malformed records skipped because they could not be read
   * @param firstMalformed the first {@link #NAMED} of them, {@code file:line (byte offset): why}
   */
  public record Count(
      String key, String file, long records, long malformed, List<String> firstMalformed)
      implements Serializable {
    Count max(Count other) {
      return new Count(
          key,
          file,
          Math.max(records, other.records),
          Math.max(malformed, other.malformed),
          firstMalformed.size() >= other.firstMalformed.size()
              ? firstMalformed
              : other.firstMalformed);
    }
  }

  /** Counts one task's records before it reports them. */
  static final class Tally {
    private final String key;
    private final String file;
    private long records;
    private long malformed;
    private final List<String> first = new ArrayList<>();

    Tally(String key, String file) {
      this.key = key;
      this.file = file;
    }

    void record() {
      records++;
    }

    void malformed(String where) {
      malformed++;
      if (first.size() < NAMED) {
        first.add(where);
      }
    }

    Count count() {
      return new Count(key, file, records, malformed, List.copyOf(first));
    }
  }

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public synchronized ReadCounts copy() {
    ReadCounts c = new ReadCounts();
    c.counts.putAll(counts);
    return c;
  }

  @Override
  public synchronized void reset() {
    counts.clear();
  }

  @Override
  public synchronized void add(Count v) {
    counts.merge(v.key(), v, Count::max);
  }

  @Override
  public void merge(AccumulatorV2<Count, Map<String, Count>> other) {
    other.value().values().forEach(this::add);
  }

  /** A snapshot: Spark's scheduler merges task reports while the driver reads. */
  @Override
  public synchronized Map<String, Count> value() {
    return Collections.unmodifiableMap(new HashMap<>(counts));
  }
}
