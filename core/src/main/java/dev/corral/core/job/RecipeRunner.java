package dev.corral.core.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.CorralException;
import dev.corral.core.Errors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a {@link Recipe} in one SparkSession: each step through {@link JobRunner} (so every step
 * keeps every job's promises), a step as soon as the steps it reads are done, steps of different
 * pools side by side in threads, each thread in its own Spark scheduler pool (with {@code
 * spark.scheduler.mode=FAIR} the pools share the executors instead of queueing).
 *
 * <p>A step is skipped when its output holds a complete run with the same key: its job, settings,
 * stage params, input fingerprints and the keys of the steps it reads (see {@link
 * JobRunner#optSkipUnchanged}). So a recipe killed or failed half way resumes at the first step not
 * committed, and a changed setting reruns that step and, through their inputs' fingerprints, the
 * steps after it. {@link #optFrom} forces a step and every step after it.
 *
 * <p>{@code <dir>/_corral/recipe.json} says, after every step, what each step did: see {@link
 * #RECORD}.
 */
public final class RecipeRunner {
  /** The recipe's record, under {@code <dir>/_corral/}. */
  public static final String RECORD = "recipe.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

  /**
   * What a step did: {@code ran}, {@code skipped} (unchanged), {@code failed} or {@code not_run}.
   */
  public record StepResult(
      String id, String status, Map<String, Object> record, Map<String, Object> entry) {}

  /** What the recipe did, step by step in the recipe's order. */
  public record Result(List<StepResult> steps, String recordPath) {}

  private final PrintStream out;
  private final PrintStream err;
  private final long progressMillis;
  private final Set<String> from = new LinkedHashSet<>();
  private int threads;
  private Map<String, Object> settings = Map.of();

  /** Guards the record's entries, which steps update from their threads. */
  private final Object lock = new Object();

  /**
   * @param out one line per step as it ends (stdout)
   * @param err the steps' progress lines and notices, each prefixed with its step (stderr)
   * @param progressMillis time between a step's progress lines; 0 for none
   */
  public RecipeRunner(PrintStream out, PrintStream err, long progressMillis) {
    this.out = out;
    this.err = err;
    this.progressMillis = progressMillis;
  }

  /** Runs {@code step} and every step after it even when unchanged. */
  public RecipeRunner optFrom(String step) {
    from.add(step);
    return this;
  }

  /** Steps run at once (default: one per pool). */
  public RecipeRunner optThreads(int value) {
    threads = value;
    return this;
  }

  /** What the recipe was made from (its file, its name), copied into its record. */
  public RecipeRunner optSettings(Map<String, Object> value) {
    settings = new LinkedHashMap<>(value);
    return this;
  }

  /**
   * Checks every step (params, outputs) before Spark starts, then runs the recipe; {@code sessions}
   * is called once. The first failure is thrown after every step that does not depend on it has
   * ended and the record is written.
   */
  public Result run(Recipe recipe, String dir, Supplier<SparkSession> sessions) {
    Set<String> ids = new HashSet<>();
    recipe.steps().forEach(s -> ids.add(s.id()));
    for (String f : from) {
      if (!ids.contains(f)) {
        throw Errors.badArgument("--from", f, "a step of the recipe: " + String.join(", ", ids));
      }
    }
    for (Recipe.Step s : recipe.steps()) {
      JobRunner.check(s.job());
    }
    Set<String> forced = forced(recipe);
    SparkSession spark = sessions.get();
    Path record = new Path(new Path(dir, OutputFolder.RECORDS), RECORD);
    FileSystem fs;
    try {
      fs = record.getFileSystem(spark.sessionState().newHadoopConf());
    } catch (IOException e) {
      throw Errors.unwritable(record.toString(), e);
    }
    Path checkpoints = reliableCheckpoints(spark, fs, dir);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("recipe", recipe.name());
    doc.putAll(settings);
    doc.put("output", dir);
    doc.put("status", "running");
    doc.put("started", Instant.now().toString());
    List<Map<String, Object>> entries = new ArrayList<>();
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    for (Recipe.Step s : recipe.steps()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("step", s.id());
      e.put("source", s.pool());
      e.put("job", s.job().name());
      e.put("after", s.after());
      e.put("inputs", s.job().inputs());
      e.put("output", s.job().output());
      e.put(
          "record", s.job().output() + "/" + OutputFolder.RECORDS + "/" + s.job().name() + ".json");
      e.put("status", "pending");
      entries.add(e);
      byId.put(s.id(), e);
    }
    doc.put("steps", entries);
    long started = System.nanoTime();
    writeRecord(fs, record, doc);

    int pools = (int) recipe.steps().stream().map(Recipe.Step::pool).distinct().count();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            threads > 0 ? threads : Math.max(1, pools),
            r -> {
              Thread t = new Thread(r, "corral-recipe");
              t.setDaemon(true);
              return t;
            });
    Map<String, CompletableFuture<StepResult>> futures = new LinkedHashMap<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      for (Recipe.Step s : recipe.steps()) {
        List<CompletableFuture<StepResult>> before = s.after().stream().map(futures::get).toList();
        CompletableFuture<StepResult> f =
            CompletableFuture.allOf(before.toArray(new CompletableFuture<?>[0]))
                .thenApplyAsync(
                    none -> {
                      List<StepResult> done = before.stream().map(CompletableFuture::join).toList();
                      StepResult r =
                          step(spark, s, done, forced.contains(s.id()), byId.get(s.id()), failures);
                      synchronized (lock) {
                        writeRecord(fs, record, doc);
                      }
                      return r;
                    },
                    executor);
        futures.put(s.id(), f);
      }
      List<StepResult> results = new ArrayList<>();
      for (CompletableFuture<StepResult> f : futures.values()) {
        results.add(f.join());
      }
      doc.put("wall_seconds", round((System.nanoTime() - started) / 1e9));
      doc.put("status", failures.isEmpty() ? "complete" : "failed");
      doc.put("finished", Instant.now().toString());
      writeRecord(fs, record, doc);
      if (!failures.isEmpty()) {
        Throwable first = failures.get(0);
        throw first instanceof RuntimeException re ? re : new IllegalStateException(first);
      }
      return new Result(results, record.toString());
    } finally {
      executor.shutdownNow();
      if (checkpoints != null) {
        delete(fs, checkpoints);
      }
    }
  }

  /**
   * Dedup's connected components checkpoint each round; kept in a folder of the recipe (not on the
   * executors) so that a lost executor costs a recomputed partition, not the step. Returns the
   * folder this run made, or null when the application set its own. Folders left by a killed run
   * are this recipe's own and are removed first.
   */
  private static Path reliableCheckpoints(SparkSession spark, FileSystem fs, String dir) {
    if (spark.sparkContext().getCheckpointDir().isDefined()) {
      return null;
    }
    Path parent = new Path(new Path(dir, OutputFolder.RECORDS), "checkpoints");
    delete(fs, parent);
    spark.sparkContext().setCheckpointDir(parent.toString());
    return new Path(spark.sparkContext().getCheckpointDir().get());
  }

  private static void delete(FileSystem fs, Path path) {
    try {
      fs.delete(path, true);
    } catch (IOException e) {
      throw Errors.unwritable(path.toString(), e);
    }
  }

  /** The steps {@code --from} names and every step that reads them, directly or not. */
  private Set<String> forced(Recipe recipe) {
    Set<String> forced = new HashSet<>(from);
    for (Recipe.Step s : recipe.steps()) { // in order: a step's readers come after it
      if (s.after().stream().anyMatch(forced::contains)) {
        forced.add(s.id());
      }
    }
    return forced;
  }

  private StepResult step(
      SparkSession spark,
      Recipe.Step s,
      List<StepResult> before,
      boolean force,
      Map<String, Object> entry,
      List<Throwable> failures) {
    if (before.stream().anyMatch(b -> !b.status().equals("ran") && !b.status().equals("skipped"))) {
      synchronized (lock) {
        entry.put("status", "not_run");
      }
      out.println(line(s.id(), "not run (a step it reads did not complete)"));
      return new StepResult(s.id(), "not_run", Map.of(), entry);
    }
    StringBuilder upstream = new StringBuilder();
    for (StepResult b : before) {
      upstream.append(b.id()).append('=').append(b.record().get("run_key")).append(' ');
    }
    SparkSession.setActiveSession(spark);
    spark.sparkContext().setLocalProperty("spark.scheduler.pool", s.pool());
    ThreadMXBean threadsBean = ManagementFactory.getThreadMXBean();
    long cpu0 = threadsBean.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    synchronized (lock) {
      entry.put("status", "running");
      entry.put("started", Instant.now().toString());
    }
    PrintStream stepErr = prefixed(err, "[" + s.id() + "] ");
    try {
      JobRunner.Result r =
          new JobRunner(new PrintStream(new ByteArrayOutputStream()), stepErr, progressMillis)
              .optSkipUnchanged(!force, upstream.toString().strip())
              .run(s.job(), () -> spark);
      String status = r.skipped() ? "skipped" : "ran";
      Map<String, Object> rec = r.record();
      synchronized (lock) {
        entry.put("status", status);
        entry.put("run_key", rec.get("run_key"));
        entry.put("forced", force);
        entry.put("wall_seconds", round((System.nanoTime() - t0) / 1e9));
        entry.put("driver_thread_cpu_seconds", round(cpuSeconds(threadsBean, cpu0)));
        Object timings = rec.get("timings");
        if (timings instanceof Map<?, ?> t) {
          // For a skipped step: what its recorded run took.
          entry.put(
              r.skipped() ? "recorded_wall_seconds" : "job_wall_seconds", t.get("wall_seconds"));
          entry.put(
              r.skipped() ? "recorded_executor_cpu_seconds" : "executor_cpu_seconds",
              t.get("executor_cpu_seconds"));
        }
        Object rows = rec.get("rows");
        if (rows instanceof Map<?, ?> m && m.get("written") != null) {
          entry.put("rows_written", m.get("written"));
        }
        entry.put("summary", rec.get("summary"));
      }
      out.println(
          line(
              s.id(),
              r.skipped()
                  ? "skipped (unchanged since its last run)"
                  : String.format(
                          java.util.Locale.ROOT, "ran in %.1f s", (System.nanoTime() - t0) / 1e9)
                      + (entry.get("rows_written") == null
                          ? ""
                          : ", " + entry.get("rows_written") + " rows")));
      return new StepResult(s.id(), status, rec, entry);
    } catch (Throwable t) {
      // Spark's own exceptions are checked ones thrown undeclared: caught here too, or they would
      // escape the step's record.
      RuntimeException e = t instanceof RuntimeException re ? re : new IllegalStateException(t);
      failures.add(e);
      CorralException c = JobRunner.corralCause(e);
      String message = c != null ? c.getMessage() : String.valueOf(e);
      synchronized (lock) {
        entry.put("status", "failed");
        entry.put("wall_seconds", round((System.nanoTime() - t0) / 1e9));
        entry.put("error", message);
      }
      out.println(line(s.id(), "failed: " + message.lines().findFirst().orElse("")));
      return new StepResult(s.id(), "failed", Map.of(), entry);
    } finally {
      stepErr.flush();
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
    }
  }

  private static String line(String id, String what) {
    return String.format("%-28s %s", id, what);
  }

  private static double cpuSeconds(ThreadMXBean bean, long cpu0) {
    long now = bean.getCurrentThreadCpuTime();
    return cpu0 < 0 || now < 0 ? 0 : (now - cpu0) / 1e9;
  }

  /** Writes the record beside the steps' outputs, replacing it by a rename so it is never half. */
  private void writeRecord(FileSystem fs, Path file, Map<String, Object> doc) {
    Path tmp = new Path(file.getParent(), "." + RECORD + ".tmp");
    try {
      byte[] bytes;
      synchronized (lock) {
        bytes = JSON.writeValueAsBytes(doc);
      }
      fs.mkdirs(file.getParent());
      try (var o = fs.create(tmp, true)) {
        o.write(bytes);
      }
      OutputFile.replace(fs, tmp, file);
    } catch (IOException e) {
      throw Errors.unwritable(file.toString(), e);
    }
  }

  /** {@code target} with {@code prefix} before each line, whole lines at a time. */
  private static PrintStream prefixed(PrintStream target, String prefix) {
    return new PrintStream(
        new OutputStream() {
          private final ByteArrayOutputStream line = new ByteArrayOutputStream();

          @Override
          public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
              flush();
            }
          }

          @Override
          public synchronized void flush() {
            if (line.size() > 0) {
              target.print(prefix + line.toString(StandardCharsets.UTF_8));
              target.flush();
              line.reset();
            }
          }
        },
        true,
        StandardCharsets.UTF_8);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
