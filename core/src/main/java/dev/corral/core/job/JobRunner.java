package dev.corral.core.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.CorralException;
import dev.corral.core.Errors;
import dev.corral.core.io.BadRows;
import dev.corral.core.io.Fingerprint;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.io.Ids;
import dev.corral.core.io.Tables;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.DropReasons;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs a {@link Job}: every job goes through the same steps, so every job keeps the same promises.
 *
 * <ol>
 *   <li>Before Spark starts: every stage's cross-param checks, and the output against the inputs
 *       (never the same place, never inside or around one) and against what the output folder holds
 *       (see {@link OutputFolder}).
 *   <li>Fingerprint the inputs; a resumable job whose output already holds a complete run with the
 *       same settings and inputs is done; one stopped half way continues; one whose input changed
 *       starts afresh and says so.
 *   <li>Read (malformed JSON rows fail the job, or are skipped and counted), make sure ids are
 *       unique or derive them, run the stages (estimators fitted on what the stages before them
 *       produced), counting rows and drops after each stage as a side effect of the write.
 *   <li>Write to a hidden staging folder beside the output, read it back for the report, write the
 *       run record and the bad rows next to the data, then commit the folder by a rename.
 * </ol>
 */
public final class JobRunner {
  /** The column every Corral filter names its reason in. */
  public static final String DROP_REASON = "drop_reason";

  /** The column a document's text is in, whose kept characters the write counts. */
  static final String TEXT = "text";

  private final PrintStream out;
  private final PrintStream err;
  private final long progressMillis;
  private final Map<String, Double> phases = new LinkedHashMap<>();
  private final Map<String, String> lastFingerprints = new LinkedHashMap<>();
  private String currentPhase;
  private long phaseStart;
  private boolean skipUnchanged;
  private String upstreamKey = "";

  /**
   * @param out where the summary goes (stdout)
   * @param err where progress lines and notices go (stderr)
   * @param progressMillis time between progress lines; 0 for none
   */
  public JobRunner(PrintStream out, PrintStream err, long progressMillis) {
    this.out = out;
    this.err = err;
    this.progressMillis = progressMillis;
  }

  /**
   * With {@code value}, a job skips itself when its output holds a complete run with the same key
   * (job, settings, params, input fingerprints, version and {@code upstreamKey}), as resumable jobs
   * always do; the recipe runs its steps this way. {@code upstreamKey} names what else decides the
   * output (the keys of the steps whose outputs the job reads by path, a model say), and goes into
   * the key the record keeps whether or not the run may skip.
   */
  public JobRunner optSkipUnchanged(boolean value, String upstreamKey) {
    this.skipUnchanged = value;
    this.upstreamKey = upstreamKey == null ? "" : " " + upstreamKey;
    return this;
  }

  /** What a run did. */
  public record Result(Job.Summary summary, Map<String, Object> record, boolean skipped) {}

  /**
   * The checks that need no Spark: cross-param checks of every stage, and the output against inputs
   * and foreign files. Returns the output folder to write through.
   */
  public static OutputFolder check(Job job) {
    for (PipelineStage stage : job.stages) {
      if (stage instanceof CheckedParams checked) {
        checked.checkParams();
      }
    }
    // spark-submit's settings are system properties before the session exists: spark.hadoop.* reach
    // S3A etc.
    Configuration conf = SparkHadoopUtil.get().newConfiguration(new SparkConf());
    return OutputFolder.check(conf, job.output, job.inputs, job.overwrite);
  }

  /**
   * Runs {@code job}; {@code sessions} is called once, after every check that needs no Spark has
   * passed.
   */
  public Result run(Job job, Supplier<SparkSession> sessions) {
    OutputFolder folder = check(job);
    long started = System.nanoTime();
    SparkSession spark = sessions.get();
    phases.put("start spark", round((System.nanoTime() - started) / 1e9));
    Run run = new Run(spark, job, folder, started);
    try (JobProgress progress =
            new JobProgress(
                spark.sparkContext(),
                "corral " + job.name,
                err,
                job.monitor == null ? progressMillis : 0);
        StageCounts counts = new StageCounts(spark, run.tag)) {
      run.progress = progress;
      run.counts = counts;
      Result done = run.fingerprint();
      if (done != null) {
        return done;
      }
      Dataset<Row> rows = run.read();
      Dataset<Row> data = run.transform(rows);
      Dataset<Row> written = run.write(rows, data);
      Job.Summary summary = job.report.summarize(run.context, written);
      Map<String, Object> record = run.record(summary, written);
      folder.commit();
      run.committed = true;
      out.print(summary.console());
      out.println("wrote " + job.output + (job.writer != null ? "" : " (" + job.format + ")"));
      return new Result(summary, record, false);
    } finally {
      run.close();
    }
  }

  /** One run of a job: its steps in order, and what they share. */
  private final class Run implements AutoCloseable {
    final SparkSession spark;
    final Job job;
    final OutputFolder folder;
    final long started;
    final Instant startedAt = Instant.now();
    final double driverCpu0 = driverCpuSeconds();
    final String label;

    /** Names this run's observed metrics, apart from any other run's in the session. */
    final String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    final List<Dataset<Row>> persisted = new ArrayList<>();
    final List<Transformer> fitted = new ArrayList<>();
    JobProgress progress;
    StageCounts counts;
    AutoCloseable monitor;
    JobContext context;
    List<Fingerprint> fingerprints;
    String runKey;
    String runId = UUID.randomUUID().toString();
    BadRows.Found bad = BadRows.Found.none();
    boolean committed;

    Run(SparkSession spark, Job job, OutputFolder folder, long started) {
      this.spark = spark;
      this.job = job;
      this.folder = folder;
      this.started = started;
      this.label = "corral " + job.name;
    }

    /**
     * Fingerprints the inputs and chooses the staging folder; for a resumable job, returns the
     * result when the output already holds this very run, and says whether it resumes or restarts.
     */
    Result fingerprint() {
      describe(spark, job, "fingerprint inputs");
      fingerprints = new ArrayList<>();
      for (String input : job.inputs) {
        fingerprints.add(Fingerprint.of(spark, input));
      }
      context = new JobContext(spark, job, fingerprints);
      runKey = runKey(job, fingerprints) + upstreamKey;
      fingerprints.forEach(f -> lastFingerprints.put(f.path(), f.digest()));
      if (job.resume != null) {
        runId = Fingerprint.shortSha256(runKey);
      }
      if (job.resume != null || skipUnchanged) {
        Result done = alreadyWritten(spark, job, folder, Fingerprint.shortSha256(runKey));
        if (done != null) {
          return done;
        }
      }
      folder.stage(runId);
      context.setScratch(folder.scratch().toString());
      if (folder.removeStaleStaging() && job.resume != null) {
        err.println(
            label
                + ": the settings or inputs changed since the run that was stopped before its commit;"
                + " starting a fresh run");
      } else if (job.resume != null && folder.hasStaged()) {
        err.println(label + ": resuming the run that was stopped (same settings and inputs)");
      }
      return null;
    }

    /** The input rows: from the job's reader, or its table with bad rows handled; ids checked. */
    Dataset<Row> read() {
      describe(spark, job, "read");
      Dataset<Row> rows;
      if (job.reader != null) {
        rows = job.reader.read(context);
      } else if (job.writer != null && job.stages.isEmpty()) {
        rows = null; // the writer reads its inputs itself
      } else {
        BadRows.Result read = Tables.read(spark, job.inputs, job.inputFormat, job.badRows);
        rows = read.rows();
        bad = read.bad();
        if (bad.count() > 0) {
          err.println(
              label
                  + ": skipped "
                  + bad.count()
                  + " malformed rows, first at "
                  + String.join(", ", bad.first()));
        }
      }
      rows = rows == null ? null : ids(job, rows);
      if (job.persistInput && rows != null) {
        rows = rows.persist(StorageLevel.DISK_ONLY());
        persisted.add(rows);
      }
      if (job.monitor != null) {
        monitor = job.monitor.start(context, rows);
      }
      return rows;
    }

    /** The stages over {@code rows}, estimators fitted first, each stage's output counted. */
    Dataset<Row> transform(Dataset<Row> rows) {
      Dataset<Row> data =
          job.resume == null && rows != null ? counts.tag(rows, 0, DROP_REASON) : rows;
      for (int i = 0; i < job.stages.size(); i++) {
        PipelineStage stage = job.stages.get(i);
        Transformer transformer;
        if (stage instanceof Estimator<?> estimator) {
          describe(spark, job, "fit " + stage.getClass().getSimpleName());
          if (i > 0) {
            // The fit and the write both read what the stages before produce: computed once, on
            // disk.
            data = data.persist(StorageLevel.DISK_ONLY());
            persisted.add(data);
          }
          transformer = (Model<?>) estimator.fit(data);
        } else {
          transformer = (Transformer) stage;
        }
        fitted.add(transformer);
        context.fitted().add(transformer);
        if (job.resume == null) {
          data = counts.tag(transformer.transform(data), i + 1, DROP_REASON);
        }
      }
      return data;
    }

    /**
     * Writes into the staging folder and returns the written table (null for a job's own writer).
     */
    Dataset<Row> write(Dataset<Row> rows, Dataset<Row> data) {
      describe(spark, job, "write");
      String staging = folder.staging().toString();
      context.setWrittenAt(staging);
      if (job.writer != null) {
        job.writer.write(context, data, staging);
        describe(spark, job, "report");
        return null;
      }
      StructType schema = null;
      if (job.resume != null) {
        ResumableWrite.Result r =
            ResumableWrite.run(
                spark,
                rows,
                in -> chain(fitted, in),
                staging,
                runKey,
                job.resume.partitionsPerCommit());
        context.stats().put("commits", r.chunks());
        context.stats().put("commits_resumed", r.skipped());
      } else {
        Tables.write(
            counts.tagWritten(
                data, DROP_REASON, knownReasons(), job.countKeptChars ? TEXT : null, job.sums),
            staging,
            job.format,
            job.partitionBy);
        schema = data.schema();
        awaitListeners(spark);
        context.setWritten(counts.written());
      }
      describe(spark, job, "report");
      return readWritten(spark, staging, job.format, schema);
    }

    /**
     * The drop reasons the written table may hold: the job's, its stages' ({@link DropReasons}),
     * and those its inputs' run records counted (a recipe step's input is the step before's table).
     */
    List<String> knownReasons() {
      Set<String> reasons = new LinkedHashSet<>(job.dropReasons);
      for (Transformer t : fitted) {
        if (t instanceof DropReasons d) {
          reasons.addAll(d.dropReasons());
        }
      }
      for (Fingerprint f : fingerprints) {
        reasons.addAll(RunRecord.dropReasons(spark, f.path()));
      }
      return List.copyOf(reasons);
    }

    /** The run record and the bad rows, written into the staging folder beside the data. */
    Map<String, Object> record(Job.Summary summary, Dataset<Row> written) {
      Map<String, Object> record = RunRecord.header(spark, job.name, runId);
      record.put("status", "complete");
      record.put("run_key", Fingerprint.shortSha256(runKey));
      record.put("inputs", fingerprints.stream().map(Fingerprint::toMap).toList());
      Map<String, Object> output = new LinkedHashMap<>();
      output.put("path", folder.output().toString());
      output.put("format", job.format);
      output.put("partition_by", Arrays.asList(job.partitionBy));
      record.put("output", output);
      record.put("settings", job.settings);
      JobContext.Written counted = context.written();
      long rowsWritten = written == null ? -1 : counted != null ? counted.rows() : written.count();
      awaitListeners(spark);
      record.put("stages", stageRecords(job, counts));
      Map<String, Object> rowCounts = new LinkedHashMap<>();
      rowCounts.put("bad_rows_skipped", bad.count());
      if (rowsWritten >= 0) {
        rowCounts.put("written", rowsWritten);
      }
      record.put("rows", rowCounts);
      Path records = new Path(folder.staging(), OutputFolder.RECORDS);
      if (bad.count() > 0) {
        Map<String, Object> badRows = new LinkedHashMap<>();
        badRows.put("count", bad.count());
        badRows.put("per_file", bad.perFile());
        badRows.put("first", bad.first());
        badRows.put("kept_in", OutputFolder.RECORDS + "/bad-rows/");
        record.put("bad_rows", badRows);
        bad.records().write().mode("overwrite").json(new Path(records, "bad-rows").toString());
      }
      if (written != null && Arrays.asList(written.columns()).contains(DROP_REASON)) {
        record.put("drop_reasons", byDropReason(context, written));
        // "write": counted while writing; "table": a reason no stage declared, so read back.
        record.put(
            "drop_reasons_from", counted != null && counted.dropped() != null ? "write" : "table");
      }
      Map<String, Object> stats = new LinkedHashMap<>(context.stats());
      stats.putAll(summary.stats());
      record.put("stats", stats);
      record.put("summary", summary.console());
      Map<String, Object> timings = new LinkedHashMap<>();
      timings.put("started", startedAt.toString());
      timings.put("wall_seconds", round((System.nanoTime() - started) / 1e9));
      // The driver JVM's CPU time; in local mode its executor threads are in it too.
      timings.put("driver_process_cpu_seconds", round(driverCpuSeconds() - driverCpu0));
      timings.put("executor_cpu_seconds", round(progress.executorCpuSeconds()));
      timings.put("executor_run_seconds", round(progress.executorRunSeconds()));
      timings.put("task_busy_seconds", round(progress.taskBusySeconds()));
      describe(spark, job, "record");
      timings.put("phase_seconds", new LinkedHashMap<>(phases));
      record.put("timings", timings);
      try {
        FileSystem fs = records.getFileSystem(spark.sessionState().newHadoopConf());
        RunRecord.write(fs, new Path(records, job.name + ".json"), record);
        if (summary.markdown() != null) {
          try (var o = fs.create(new Path(records, job.name + ".md"), true)) {
            o.write(summary.markdown().getBytes(StandardCharsets.UTF_8));
          }
        }
      } catch (java.io.IOException e) {
        throw Errors.unwritable(records.toString(), e);
      }
      return record;
    }

    @Override
    public void close() {
      if (monitor != null) {
        try {
          monitor.close();
        } catch (Exception e) {
          // a display that fails to stop changes nothing written
        }
      }
      for (Dataset<Row> d : persisted) {
        d.unpersist();
      }
      if (!committed && job.resume == null) {
        folder.abort(); // a resumable run keeps its staging folder: the next run continues from it
      }
      folder.deleteScratch();
      spark.sparkContext().setJobDescription(null);
      phases.clear();
      currentPhase = null;
    }
  }

  /**
   * A resumable job whose output holds a complete run with the same key: nothing to do. Its record
   * says so and the summary is printed again from the record.
   */
  private Result alreadyWritten(SparkSession spark, Job job, OutputFolder folder, String runKey) {
    FileSystem fs = HadoopFs.fileSystem(folder.output());
    JsonNode record = RunRecord.read(fs, folder.output(), job.name).orElse(null);
    if (record == null || !"complete".equals(record.path("status").asText())) {
      return null;
    }
    // Records written before run_key existed name a resumable run by its key in run_id.
    String recorded = record.path("run_key").asText(record.path("run_id").asText());
    if (!runKey.equals(recorded)) {
      err.println(
          "corral "
              + job.name
              + ": the inputs or settings differ from the run that wrote "
              + job.output
              + " ("
              + changedInputs(record)
              + "); running again");
      return null;
    }
    err.println(
        "corral "
            + job.name
            + ": "
            + job.output
            + " is already written by this run (same settings and "
            + "inputs, see "
            + OutputFolder.RECORDS
            + "/"
            + job.name
            + ".json); nothing to do");
    out.print(record.path("summary").asText(""));
    @SuppressWarnings("unchecked")
    Map<String, Object> previous =
        new com.fasterxml.jackson.databind.ObjectMapper().convertValue(record, Map.class);
    return new Result(
        new Job.Summary(Map.of(), record.path("summary").asText(""), null), previous, true);
  }

  /** Which inputs a recorded run read differently, for the notice that a job runs again. */
  private String changedInputs(JsonNode record) {
    List<String> changed = new ArrayList<>();
    for (JsonNode input : record.path("inputs")) {
      String path = input.path("path").asText();
      if (!lastFingerprints.getOrDefault(path, "").equals(input.path("digest").asText())) {
        changed.add(path + " changed");
      }
    }
    return changed.isEmpty() ? "settings changed" : String.join(", ", changed);
  }

  private static Dataset<Row> ids(Job job, Dataset<Row> rows) {
    if (!job.needsIds) {
      return rows;
    }
    if (job.idColumn != null || Arrays.asList(rows.columns()).contains("id")) {
      Ids.requireUnique(rows, job.idColumn != null ? job.idColumn : "id");
      return rows;
    }
    return Ids.derive(rows, "id", String.join(",", job.inputs));
  }

  private static Dataset<Row> chain(List<Transformer> stages, Dataset<Row> in) {
    Dataset<Row> data = in;
    for (Transformer t : stages) {
      data = t.transform(data);
    }
    return data;
  }

  /**
   * The written table: Parquet and JSON with the schema the job wrote, so an empty result still has
   * its columns.
   */
  private static Dataset<Row> readWritten(
      SparkSession spark, String path, String format, StructType schema) {
    if (schema == null || format.equals(Tables.DELTA)) {
      return spark.read().format(format).load(path);
    }
    return spark.read().schema(schema).format(format).load(path);
  }

  /** Every param of every stage, with rows in and out and the rows dropped after it. */
  private static List<Map<String, Object>> stageRecords(Job job, StageCounts counts) {
    List<Map<String, Object>> stages = new ArrayList<>();
    Map<String, Long> before = counts.counts(0);
    for (int i = 0; i < job.stages.size(); i++) {
      PipelineStage stage = job.stages.get(i);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("stage", stage.getClass().getSimpleName());
      s.put("uid", stage.uid());
      s.put("params", RunRecord.params(stage));
      s.put("defaults_cited", RunRecord.defaultsCited(stage));
      Map<String, Long> after = counts.counts(i + 1);
      if (!before.isEmpty() && !after.isEmpty()) {
        s.put("rows_in", before.get("rows"));
        s.put("rows_out", after.get("rows"));
        if (after.get("dropped") >= 0) {
          s.put("dropped_by_stage", after.get("dropped") - Math.max(0, before.get("dropped")));
          s.put("kept_after_stage", after.get("rows") - after.get("dropped"));
        }
      }
      stages.add(s);
      before = after;
    }
    return stages;
  }

  /**
   * Documents per {@code drop_reason} of a written table, {@code (kept)} for none, most frequent
   * first.
   */
  public static Map<String, Long> byDropReason(Dataset<Row> written) {
    Map<String, Long> reasons = new LinkedHashMap<>();
    for (Row r :
        written
            .groupBy(coalesce(col(DROP_REASON), lit("(kept)")))
            .count()
            .orderBy(col("count").desc())
            .collectAsList()) {
      reasons.put(r.getString(0), r.getLong(1));
    }
    return reasons;
  }

  /**
   * {@link #byDropReason(Dataset)} from the counts the write observed when the runner has them, so
   * a report does not read the whole written table once more; else from the table, read once per
   * run (the report and the run record both ask).
   */
  public static Map<String, Long> byDropReason(JobContext context, Dataset<Row> written) {
    JobContext.Written counted = context.written();
    if (counted != null && counted.dropped() != null) {
      return byDropReason(counted);
    }
    Map<String, Long> read = context.reasonsRead(written);
    if (read == null) {
      read = byDropReason(written);
      context.setReasonsRead(written, read);
    }
    return new LinkedHashMap<>(read);
  }

  /**
   * {@link #byDropReason(Dataset)} from the counts the write observed: {@code (kept)} for rows
   * without a reason, most frequent first (ties by reason).
   */
  static Map<String, Long> byDropReason(JobContext.Written written) {
    Map<String, Long> all = new LinkedHashMap<>(written.dropped());
    if (written.kept() > 0) {
      all.put("(kept)", written.kept());
    }
    return mostFrequentFirst(all);
  }

  /** Counts by name, most frequent first, ties by name: how reports list drop reasons. */
  public static Map<String, Long> mostFrequentFirst(Map<String, Long> counts) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /**
   * What the job, its settings, its stages' params and its inputs are: equal keys give equal
   * outputs.
   */
  static String runKey(Job job, List<Fingerprint> fingerprints) {
    StringBuilder key =
        new StringBuilder(job.name)
            .append(' ')
            .append(job.format)
            .append(' ')
            .append(Arrays.toString(job.partitionBy))
            .append(' ')
            .append(new java.util.TreeMap<>(job.settings));
    for (PipelineStage stage : job.stages) {
      key.append(' ').append(stage.getClass().getName()).append(RunRecord.params(stage));
    }
    for (Fingerprint f : fingerprints) {
      key.append(' ').append(f.digest());
    }
    return key.append(' ').append(Build.version()).toString();
  }

  /**
   * The stage counts arrive through Spark's listener bus, after the write returns: wait for them
   * (bounded).
   */
  private static void awaitListeners(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
    } catch (java.util.concurrent.TimeoutException e) {
      // the record then lacks per-stage counts; everything else is exact
    }
  }

  /** Names the phase in Spark's UI and the progress line, and times it for the record. */
  private void describe(SparkSession spark, Job job, String phase) {
    long now = System.nanoTime();
    if (phase != null && currentPhase != null) {
      phases.merge(currentPhase, round((now - phaseStart) / 1e9), Double::sum);
    }
    currentPhase = phase;
    phaseStart = now;
    spark
        .sparkContext()
        .setJobDescription(phase == null ? null : "corral " + job.name + ": " + phase);
  }

  private static double driverCpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() / 1e9
        : 0;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /**
   * Unwraps the first Corral error in a failure's causes (Spark wraps task failures in its own
   * exceptions).
   */
  public static CorralException corralCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CorralException e) {
        return e;
      }
    }
    return null;
  }
}
