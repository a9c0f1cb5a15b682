package dev.corral.core.job;

import dev.corral.core.Errors;
import dev.corral.core.io.BadRows;
import dev.corral.core.io.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A job as a declaration: what it reads, the stages it runs, where and how it writes, and what its
 * report says. {@link JobRunner} executes it and owns everything else (checks before Spark starts,
 * reading, ids, bad rows, progress, staging and the atomic commit, the run record, errors). Built
 * with {@link #builder()}: {@code set*} fields are required, {@code opt*} optional.
 */
public final class Job {
  /**
   * Reads a job's input when it is not a table (a source such as WET files); it may add counts to
   * {@link JobContext#stats()} (documents read, malformed records).
   */
  @FunctionalInterface
  public interface Reader {
    Dataset<Row> read(JobContext context);
  }

  /**
   * Writes a job's output itself into the staging folder (a mixture's shards and manifest) instead
   * of one table; {@code data} is what the stages produced, null for a job without a table input.
   */
  @FunctionalInterface
  public interface Writer {
    void write(JobContext context, Dataset<Row> data, String staging);
  }

  /**
   * What a job reports from its written table: statistics for the record, lines for the console.
   */
  @FunctionalInterface
  public interface Report {
    Summary summarize(JobContext context, Dataset<Row> written);
  }

  /**
   * A job's summary.
   *
   * @param stats numbers and tables for the run record ({@code <output>/_corral/<job>.json})
   * @param console what the command prints on stdout
   * @param markdown the same for people, written to {@code <output>/_corral/<job>.md}; null for
   *     none
   */
  public record Summary(Map<String, Object> stats, String console, String markdown) {}

  /**
   * A job's own progress display (tokens/s for inference, say), started once the input is read and
   * closed when the job ends; while one runs, the runner's generic progress line stays quiet.
   */
  @FunctionalInterface
  public interface Monitor {
    AutoCloseable start(JobContext context, Dataset<Row> input);
  }

  /**
   * Resumable writing: partitions per Delta commit, so a stopped run redoes only what is not
   * committed.
   */
  public record Resume(int partitionsPerCommit) {}

  final String name;
  final List<String> inputs;
  final String inputFormat;
  final Reader reader;
  final List<PipelineStage> stages;
  final String output;
  final String format;
  final String[] partitionBy;
  final boolean overwrite;
  final BadRows.Policy badRows;
  final String idColumn;
  final boolean needsIds;
  final boolean persistInput;
  final Resume resume;
  final Report report;
  final Monitor monitor;
  final Writer writer;
  final Map<String, Object> settings;
  final List<String> dropReasons;
  final boolean countKeptChars;
  final List<String> sums;

  private Job(Builder b) {
    name = b.name;
    inputs = List.copyOf(b.inputs);
    inputFormat = b.inputFormat;
    reader = b.reader;
    stages = List.copyOf(b.stages);
    output = b.output;
    format = Tables.normalize(b.format);
    partitionBy = b.partitionBy;
    overwrite = b.overwrite;
    badRows = b.badRows;
    idColumn = b.idColumn;
    needsIds = b.needsIds;
    persistInput = b.persistInput;
    resume = b.resume;
    report = b.report;
    monitor = b.monitor;
    writer = b.writer;
    settings = new LinkedHashMap<>(b.settings);
    dropReasons = List.copyOf(b.dropReasons);
    countKeptChars = b.countKeptChars;
    sums = List.copyOf(b.sums);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String name() {
    return name;
  }

  public String output() {
    return output;
  }

  public String format() {
    return format;
  }

  public List<String> inputs() {
    return inputs;
  }

  public List<PipelineStage> stages() {
    return stages;
  }

  /** The job's own settings (not stage params), as the run record lists them. */
  public Map<String, Object> settings() {
    return settings;
  }

  /** Builds a {@link Job}. */
  public static final class Builder {
    private String name;
    private final List<String> inputs = new ArrayList<>();
    private String inputFormat;
    private Reader reader;
    private final List<PipelineStage> stages = new ArrayList<>();
    private String output;
    private String format = Tables.DELTA;
    private String[] partitionBy = new String[0];
    private boolean overwrite;
    private BadRows.Policy badRows = BadRows.Policy.FAIL;
    private String idColumn;
    private boolean needsIds;
    private boolean persistInput;
    private Resume resume;
    private Report report = (context, written) -> new Summary(new LinkedHashMap<>(), "", null);
    private Monitor monitor;
    private Writer writer;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<String> dropReasons = new ArrayList<>();
    private boolean countKeptChars;
    private final List<String> sums = new ArrayList<>();

    private Builder() {}

    /** The job's name: its record is {@code <output>/_corral/<name>.json}. */
    public Builder setName(String value) {
      name = value;
      return this;
    }

    /** Where the job writes its table. */
    public Builder setOutput(String value) {
      output = value;
      return this;
    }

    /**
     * One input table (JSONL, Parquet or Delta, read by {@link Tables}) or, with {@link
     * #optReader}, source paths.
     */
    public Builder addInput(String value) {
      inputs.add(value);
      return this;
    }

    /** {@code json}, {@code parquet} or {@code delta}; unset: from the path. */
    public Builder optInputFormat(String value) {
      inputFormat = value;
      return this;
    }

    /** Reads the inputs when they are not one table (sources). */
    public Builder optReader(Reader value) {
      reader = value;
      return this;
    }

    /** The stages, in order; estimators are fitted on what the stages before them produce. */
    public Builder optStages(List<? extends PipelineStage> value) {
      stages.addAll(value);
      return this;
    }

    /** {@code delta} (default), {@code parquet} or {@code json}. */
    public Builder optFormat(String value) {
      format = value;
      return this;
    }

    /** Partition columns of Delta and Parquet outputs. */
    public Builder optPartitionBy(String... columns) {
      partitionBy = columns;
      return this;
    }

    /** Write into a folder that holds files Corral did not write there, replacing only Corral's. */
    public Builder optOverwrite(boolean value) {
      overwrite = value;
      return this;
    }

    /** What malformed input rows do: fail the job (default) or be skipped and counted. */
    public Builder optBadRows(BadRows.Policy value) {
      badRows = value;
      return this;
    }

    /**
     * The job needs one row per id: {@code column} names the ids (checked unique); null uses {@code
     * id} when the input has it and otherwise derives a stable {@code id} from each row's content
     * and source.
     */
    public Builder optIds(String column) {
      needsIds = true;
      idColumn = column;
      return this;
    }

    /** Keep the input on local disk while the job runs, for stages that read it more than once. */
    public Builder optPersistInput(boolean value) {
      persistInput = value;
      return this;
    }

    /** Write resumably (Delta output only): see {@link ResumableWrite}. */
    public Builder optResume(Resume value) {
      resume = value;
      return this;
    }

    /** What the job reports from its written table. */
    public Builder optReport(Report value) {
      report = value;
      return this;
    }

    /**
     * Writes the output itself (into the staging folder the runner commits); with no reader and no
     * stages the runner reads nothing and the inputs serve the checks and the record. The report
     * then gets no table.
     */
    public Builder optWriter(Writer value) {
      writer = value;
      return this;
    }

    /** The job's own progress display, in place of the runner's. */
    public Builder optMonitor(Monitor value) {
      monitor = value;
      return this;
    }

    /**
     * A job setting that is not a stage param (a flag of the command), for the record and the
     * resume key.
     */
    public Builder optSetting(String key, Object value) {
      settings.put(key, value);
      return this;
    }

    /**
     * The {@code drop_reason}s the stages may set: the write counts rows per reason as it goes
     * ({@link JobContext#written()}), so the record and report need not read the written table
     * again. A reason left out costs nothing but that second read.
     */
    public Builder optDropReasons(String... reasons) {
      dropReasons.addAll(Arrays.asList(reasons));
      return this;
    }

    /**
     * Whether the write also counts the characters of {@code text} in the kept rows ({@link
     * JobContext.Written#keptChars()}); off by default, since it reads every byte of every text.
     */
    public Builder optCountKeptChars(boolean value) {
      countKeptChars = value;
      return this;
    }

    /**
     * Numeric columns the write also sums over every written row ({@link
     * JobContext.Written#sums()}), so a report's totals need not read the written table again.
     */
    public Builder optSums(String... columns) {
      sums.addAll(Arrays.asList(columns));
      return this;
    }

    public Job build() {
      if (name == null) {
        throw Errors.missing("Job", "Name");
      }
      if (output == null) {
        throw Errors.missing("Job", "Output");
      }
      if (inputs.isEmpty()) {
        throw Errors.badUsage(name, "needs at least one --input");
      }
      if (resume != null && !Tables.DELTA.equals(Tables.normalize(format))) {
        resume =
            null; // only Delta records which chunks a run committed; other formats are written in
        // one go
      }
      return new Job(this);
    }
  }
}
