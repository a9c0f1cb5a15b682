package dev.corral.curation.sources.books;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Per-file reading counts of the books reader, kept by file so that a file read again (a second
 * action, a retried task) reports what it holds instead of adding up: two reports of one file merge
 * by taking the larger of each count.
 */
public final class BookCounts
    extends AccumulatorV2<BookCounts.FileCount, Map<String, BookCounts.FileCount>> {
  private static final long serialVersionUID = 1L;
  private final HashMap<String, FileCount> counts = new HashMap<>();

  /**
   * What one file gave.
   *
   * @param file the file's path
   * @param documents books delivered as rows
   * @param malformed lines or files skipped because they could not be read as a book
   * @param firstMalformed where the first skipped one is and why ({@code line 3 (byte 1200): not
   *     JSON}), null when none
   */
  public record FileCount(String file, long documents, long malformed, String firstMalformed)
      implements Serializable {
    FileCount max(FileCount other) {
      return new FileCount(
          file,
          Math.max(documents, other.documents),
          Math.max(malformed, other.malformed),
          firstMalformed != null ? firstMalformed : other.firstMalformed);
    }
  }

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public BookCounts copy() {
    BookCounts c = new BookCounts();
    c.counts.putAll(counts);
    return c;
  }

  @Override
  public void reset() {
    counts.clear();
  }

  @Override
  public void add(FileCount v) {
    counts.merge(v.file(), v, FileCount::max);
  }

  @Override
  public void merge(AccumulatorV2<FileCount, Map<String, FileCount>> other) {
    other.value().values().forEach(this::add);
  }

  @Override
  public Map<String, FileCount> value() {
    return Collections.unmodifiableMap(counts);
  }
}
