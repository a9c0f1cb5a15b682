package dev.corral.core.job;

import dev.corral.core.io.Fingerprint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * What a running job's reader and report see: the session, the job, its inputs' fingerprints, and
 * its stats.
 */
public final class JobContext {
  private final SparkSession spark;
  private final Job job;
  private final List<Fingerprint> inputs;
  private final Map<String, Object> stats = new LinkedHashMap<>();
  private final List<org.apache.spark.ml.Transformer> fitted = new java.util.ArrayList<>();
  private String scratch;
  private Written written;
  private String writtenAt;
  private org.apache.spark.sql.Dataset<?> reasonsOf;
  private Map<String, Long> reasonsRead;

  /**
   * What a job wrote, counted during the write itself.
   *
   * @param rows rows written
   * @param dropped rows per {@code drop_reason}, by reason (rows without one left out); null when
   *     the table has no such column
   * @param keptChars characters of {@code text} in the rows without a {@code drop_reason} (all rows
   *     when there is no such column); -1 when the table has no string {@code text} column or the
   *     job did not ask for the count ({@code Job.Builder.optCountKeptChars})
   * @param sums the sum of each column the job asked for ({@code Job.Builder.optSums}) over every
   *     written row, by column; a column the table lacks, or not numeric, is left out
   */
  public record Written(
      long rows, Map<String, Long> dropped, long keptChars, Map<String, Long> sums) {
    /** Rows without a {@code drop_reason}. */
    public long kept() {
      return dropped == null
          ? rows
          : rows - dropped.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  JobContext(SparkSession spark, Job job, List<Fingerprint> inputs) {
    this.spark = spark;
    this.job = job;
    this.inputs = inputs;
  }

  public SparkSession spark() {
    return spark;
  }

  public Job job() {
    return job;
  }

  /** The inputs as they were when the job started. */
  public List<Fingerprint> inputs() {
    return inputs;
  }

  /**
   * The stages as they ran: fitted models in place of estimators (a dedup model with its search's
   * counts).
   */
  public List<org.apache.spark.ml.Transformer> fitted() {
    return fitted;
  }

  /**
   * A folder a reader may fill with temporary files (a decoded archive) for the run: beside the
   * output on its file system, never inside the output, deleted by the runner when the job ends.
   */
  public String scratch() {
    if (scratch == null) {
      throw new IllegalStateException("no scratch folder before the output is staged");
    }
    return scratch;
  }

  /**
   * What the job wrote, counted during the write so a report need not read the written table again;
   * null before the write, and for a job whose counts the runner could not observe (its own writer,
   * a resumable write).
   */
  public Written written() {
    return written;
  }

  void setWritten(Written value) {
    written = value;
  }

  /**
   * Where the written table is while the report runs (the staging folder, which becomes the output
   * once the report has run); null before the write.
   */
  public String writtenAt() {
    return writtenAt;
  }

  void setWrittenAt(String value) {
    writtenAt = value;
  }

  void setScratch(String value) {
    scratch = value;
  }

  /**
   * Counts a reader adds (documents read, malformed records), in the run record beside the
   * report's.
   */
  public Map<String, Object> stats() {
    return stats;
  }

  /** Rows per drop reason read from {@code table} before in this run, null when not read yet. */
  Map<String, Long> reasonsRead(org.apache.spark.sql.Dataset<?> table) {
    return table == reasonsOf ? reasonsRead : null;
  }

  /** Keeps rows per drop reason read from {@code table}: the record and the report both need it. */
  void setReasonsRead(org.apache.spark.sql.Dataset<?> table, Map<String, Long> reasons) {
    reasonsOf = table;
    reasonsRead = reasons;
  }
}
