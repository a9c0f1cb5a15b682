package dev.corral.curation.io;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * A Spark accumulator of per-file reading counts (documents, short documents, malformed records)
 * that survives recomputation: a file is counted by its path, and two reports for the same file
 * merge by taking the larger of each count, not their sum. A plain {@code LongAccumulator} adds up
 * again each time an action reads the files (a sort samples its input first, a retried task reads
 * its file twice); this one reports what the files hold.
 */
public final class FileCounts
    extends AccumulatorV2<FileCounts.Count, Map<String, FileCounts.Count>> {
  private static final long serialVersionUID = 1L;
  private final HashMap<String, Count> counts = new HashMap<>();

  /**
   * The counts of one file.
   *
   * @param file the file's path
   * @param documents documents delivered as rows
   * @param tooShort documents dropped for being shorter than the minimum length
   * @param malformed records skipped because they could not be read
   */
  public record Count(String file, long documents, long tooShort, long malformed)
      implements java.io.Serializable {
    Count max(Count other) {
      return new Count(
          file,
          Math.max(documents, other.documents),
          Math.max(tooShort, other.tooShort),
          Math.max(malformed, other.malformed));
    }
  }

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public FileCounts copy() {
    FileCounts c = new FileCounts();
    c.counts.putAll(counts);
    return c;
  }

  @Override
  public void reset() {
    counts.clear();
  }

  @Override
  public void add(Count v) {
    counts.merge(v.file(), v, Count::max);
  }

  @Override
  public void merge(AccumulatorV2<Count, Map<String, Count>> other) {
    other.value().values().forEach(this::add);
  }

  @Override
  public Map<String, Count> value() {
    return Collections.unmodifiableMap(counts);
  }

  /** Sum over files of documents delivered. */
  public long documents() {
    return counts.values().stream().mapToLong(Count::documents).sum();
  }

  /** Sum over files of short documents dropped. */
  public long tooShort() {
    return counts.values().stream().mapToLong(Count::tooShort).sum();
  }

  /** Sum over files of malformed records skipped. */
  public long malformed() {
    return counts.values().stream().mapToLong(Count::malformed).sum();
  }
}
