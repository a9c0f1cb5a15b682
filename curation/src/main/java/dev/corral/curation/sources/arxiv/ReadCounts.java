package dev.corral.curation.sources.arxiv;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * A Spark accumulator of what each reading task found: papers delivered, members that are not
 * papers, papers skipped by reason, and the first problems with their file and offset. Counts are
 * kept per task's share of the input (a tar's byte range, a group of files), and two reports of the
 * same share merge by the larger count, so an action that reads the input again or a retried task
 * does not count twice.
 */
final class ReadCounts extends AccumulatorV2<ReadCounts.Share, Map<String, ReadCounts.Share>> {
  private static final long serialVersionUID = 1L;

  /** Problems kept per share, for the report; the counts cover all. */
  static final int MAX_PROBLEMS = 20;

  private final HashMap<String, Share> shares = new HashMap<>();

  /**
   * What one share of the input held.
   *
   * @param key the share: a file and, for a tar, its byte range
   * @param papers papers delivered as rows
   * @param otherMembers tar members that are not papers (folders, PDFs, links)
   * @param bytes bytes of archives read
   * @param skipped papers and damaged stretches skipped, by reason
   * @param problems the first problems, each {@code file: offset N: what}
   */
  record Share(
      String key,
      long papers,
      long otherMembers,
      long bytes,
      Map<String, Long> skipped,
      List<String> problems)
      implements Serializable {
    Share max(Share other) {
      Map<String, Long> reasons = new TreeMap<>(skipped);
      other.skipped.forEach((k, v) -> reasons.merge(k, v, Math::max));
      return new Share(
          key,
          Math.max(papers, other.papers),
          Math.max(otherMembers, other.otherMembers),
          Math.max(bytes, other.bytes),
          reasons,
          problems.size() >= other.problems.size() ? problems : other.problems);
    }
  }

  @Override
  public boolean isZero() {
    return shares.isEmpty();
  }

  @Override
  public ReadCounts copy() {
    ReadCounts c = new ReadCounts();
    c.shares.putAll(shares);
    return c;
  }

  @Override
  public void reset() {
    shares.clear();
  }

  @Override
  public void add(Share v) {
    shares.merge(v.key(), v, Share::max);
  }

  @Override
  public void merge(AccumulatorV2<Share, Map<String, Share>> other) {
    other.value().values().forEach(this::add);
  }

  /** A copy: Spark's listeners read it on another thread while tasks keep merging. */
  @Override
  public Map<String, Share> value() {
    return Map.copyOf(shares);
  }

  long papers() {
    return shares.values().stream().mapToLong(Share::papers).sum();
  }

  long otherMembers() {
    return shares.values().stream().mapToLong(Share::otherMembers).sum();
  }

  long bytes() {
    return shares.values().stream().mapToLong(Share::bytes).sum();
  }

  /** Skips summed over shares, by reason, sorted by reason. */
  Map<String, Long> skipped() {
    Map<String, Long> total = new TreeMap<>();
    shares.values().forEach(s -> s.skipped().forEach((k, v) -> total.merge(k, v, Long::sum)));
    return total;
  }

  /** Problems of every share, in share order, at most {@code limit}. */
  List<String> problems(int limit) {
    List<String> all = new ArrayList<>();
    new TreeMap<>(shares).values().forEach(s -> all.addAll(s.problems()));
    return all.size() > limit ? all.subList(0, limit) : all;
  }
}
