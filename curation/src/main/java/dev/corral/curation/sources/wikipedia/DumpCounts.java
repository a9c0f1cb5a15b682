package dev.corral.curation.sources.wikipedia;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * A Spark accumulator of what each split of each dump held, keyed by split: a split read twice (a
 * retried task, a second action over the same documents) reports the same counts again, and two
 * reports of one split merge by taking the larger of each count, never their sum. Per-file and
 * total counts are sums over splits.
 */
public final class DumpCounts
    extends AccumulatorV2<DumpCounts.Split, Map<String, DumpCounts.Split>> {
  private static final long serialVersionUID = 1L;

  /** Why a page read is not a document: stable codes the report and tests use. */
  public static final String NOT_ARTICLE = "not_article";

  public static final String REDIRECT = "redirect";
  public static final String EMPTY_TEXT = "empty_text";
  public static final String EMPTY_AFTER_CLEANING = "empty_after_cleaning";
  public static final String LANGUAGE_NOT_SELECTED = "language_not_selected";
  public static final String MALFORMED = "malformed";

  /** How many malformed records are kept with their offsets, per split. */
  static final int FIRST_MALFORMED = 20;

  /**
   * One unreadable record: where and why.
   *
   * @param file the dump
   * @param offset where it starts (see {@link DumpRecord#offset()})
   * @param reason what is wrong
   */
  public record Malformed(String file, long offset, String reason) implements Serializable {}

  /**
   * The counts of one split.
   *
   * @param file the dump
   * @param splitStart the split's start
   * @param records records read (pages, CirrusSearch documents, unreadable stretches)
   * @param documents documents made
   * @param chars characters of the documents' text (code points, as Python's len)
   * @param wikitextBytes UTF-8 bytes of the wikitext cleaned (articles only)
   * @param skipped records that made no document, by reason
   * @param malformed the first {@link #FIRST_MALFORMED} malformed records
   */
  public record Split(
      String file,
      long splitStart,
      long records,
      long documents,
      long chars,
      long wikitextBytes,
      Map<String, Long> skipped,
      List<Malformed> malformed)
      implements Serializable {
    String key() {
      return file + "@" + splitStart;
    }

    Split max(Split other) {
      Map<String, Long> reasons = new LinkedHashMap<>(skipped);
      other.skipped.forEach((k, v) -> reasons.merge(k, v, Math::max));
      return new Split(
          file,
          splitStart,
          Math.max(records, other.records),
          Math.max(documents, other.documents),
          Math.max(chars, other.chars),
          Math.max(wikitextBytes, other.wikitextBytes),
          reasons,
          malformed.size() >= other.malformed.size() ? malformed : other.malformed);
    }
  }

  /** Concurrent: executor heartbeats read a running task's counts while the task adds to them. */
  private final ConcurrentHashMap<String, Split> splits = new ConcurrentHashMap<>();

  @Override
  public boolean isZero() {
    return splits.isEmpty();
  }

  @Override
  public DumpCounts copy() {
    DumpCounts c = new DumpCounts();
    c.splits.putAll(splits);
    return c;
  }

  @Override
  public void reset() {
    splits.clear();
  }

  @Override
  public void add(Split v) {
    splits.merge(v.key(), v, Split::max);
  }

  @Override
  public void merge(AccumulatorV2<Split, Map<String, Split>> other) {
    other.value().values().forEach(this::add);
  }

  @Override
  public Map<String, Split> value() {
    return Collections.unmodifiableMap(splits);
  }

  /** The counts a task is gathering for one split. */
  static final class Tally {
    final String file;
    final long splitStart;
    long records;
    long documents;
    long chars;
    long wikitextBytes;
    final Map<String, Long> skipped = new LinkedHashMap<>();
    final List<Malformed> malformed = new ArrayList<>();

    Tally(String file, long splitStart) {
      this.file = file;
      this.splitStart = splitStart;
    }

    void skip(String reason) {
      skipped.merge(reason, 1L, Long::sum);
    }

    void malformed(long offset, String reason) {
      skip(MALFORMED);
      if (malformed.size() < FIRST_MALFORMED) {
        malformed.add(new Malformed(file, offset, reason));
      }
    }

    Split snapshot() {
      return new Split(
          file,
          splitStart,
          records,
          documents,
          chars,
          wikitextBytes,
          new LinkedHashMap<>(skipped),
          new ArrayList<>(malformed));
    }
  }
}
