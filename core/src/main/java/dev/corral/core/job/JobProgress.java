package dev.corral.core.job;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * The console progress line of a job: rows and MB read, MB/s, rows written, and the phase (read,
 * fit, write) the runner set as Spark's job description, which is also what Spark's UI shows for
 * each job. Finished tasks count from their metrics; running tasks from what their executors last
 * reported in heartbeats, so a long task shows progress before it ends. Printed every few seconds
 * to stderr by a daemon thread while the job runs.
 */
final class JobProgress implements AutoCloseable {
  private static final String BYTES_READ = "internal.metrics.input.bytesRead";
  private static final String RECORDS_READ = "internal.metrics.input.recordsRead";
  private static final String RECORDS_WRITTEN = "internal.metrics.output.recordsWritten";

  private final SparkContext sc;
  private final String label;
  private final long start = System.nanoTime();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong recordsRead = new AtomicLong();
  private final AtomicLong recordsWritten = new AtomicLong();
  private final AtomicLong executorCpuNanos = new AtomicLong();
  private final AtomicLong executorRunMillis = new AtomicLong();

  /** Launch and finish times (ms) of this job's ended tasks, for the time they kept it busy. */
  private final List<long[]> taskSpans = new ArrayList<>();

  /** Running tasks' last reports: task id -> {bytes read, records read, records written}. */
  private final Map<Long, long[]> running = new ConcurrentHashMap<>();

  /**
   * This job's Spark stages: jobs started from its thread carry {@link #RUN} = {@link #run}, so a
   * job running beside others in the session (a recipe's steps) counts only its own tasks.
   */
  private final Set<Integer> stages = ConcurrentHashMap.newKeySet();

  /** The thread-local Spark property naming the job a Spark job belongs to. */
  static final String RUN = "corral.run";

  private final String run = java.util.UUID.randomUUID().toString();
  private final String previousRun;
  private final Listener listener = new Listener();
  private final ProgressPrinter printer;

  JobProgress(SparkContext sc, String label, PrintStream out, long periodMillis) {
    this.sc = sc;
    this.label = label;
    previousRun = sc.getLocalProperty(RUN);
    sc.setLocalProperty(RUN, run);
    sc.addSparkListener(listener);
    printer = new ProgressPrinter(this::line, out, periodMillis);
  }

  /** {@code label [phase]: N rows read (X MB, Y MB/s), M rows written (R/s), T s}. */
  String line() {
    long[] now = {bytesRead.get(), recordsRead.get(), recordsWritten.get()};
    for (long[] r : running.values()) {
      for (int i = 0; i < now.length; i++) {
        now[i] += r[i];
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String phase = sc.getLocalProperty("spark.job.description");
    return String.format(
        Locale.ROOT,
        "%s%s: %,d rows read (%.1f MB, %.1f MB/s), %,d rows written (%,.0f/s), %.0fs",
        label,
        phase == null ? "" : " [" + phase.substring(phase.indexOf(": ") + 2) + "]",
        now[1],
        now[0] / 1e6,
        seconds > 0 ? now[0] / 1e6 / seconds : 0.0,
        now[2],
        seconds > 0 ? now[2] / seconds : 0.0,
        seconds);
  }

  /** Rows and bytes read by finished tasks, for the run record. */
  long recordsRead() {
    return recordsRead.get();
  }

  long bytesRead() {
    return bytesRead.get();
  }

  /** CPU time of finished tasks, in seconds (executors' threads, not the driver's). */
  double executorCpuSeconds() {
    return executorCpuNanos.get() / 1e9;
  }

  /** Wall time of this job's tasks, summed over the tasks (waits inside a task included). */
  double executorRunSeconds() {
    return executorRunMillis.get() / 1e3;
  }

  /**
   * Wall time during which at least one of this job's tasks ran; the rest of its wall time was the
   * driver's (planning, listing, commits).
   */
  double taskBusySeconds() {
    long[][] spans;
    synchronized (taskSpans) {
      spans = taskSpans.toArray(new long[0][]);
    }
    Arrays.sort(spans, Comparator.comparingLong(a -> a[0]));
    long busy = 0;
    long end = Long.MIN_VALUE;
    for (long[] span : spans) {
      if (span[1] > end) {
        busy += span[1] - Math.max(span[0], end);
        end = span[1];
      }
    }
    return busy / 1e3;
  }

  @Override
  public void close() {
    printer.close();
    sc.removeSparkListener(listener);
    sc.setLocalProperty(RUN, previousRun);
    running.clear();
  }

  private final class Listener extends SparkListener {
    @Override
    public void onJobStart(SparkListenerJobStart start) {
      java.util.Properties p = start.properties();
      if (p != null && run.equals(p.getProperty(RUN))) {
        for (Object id : JavaConverters.seqAsJavaList(start.stageIds())) {
          stages.add((Integer) id);
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      running.remove(end.taskInfo().taskId());
      if (!stages.contains(end.stageId())) {
        return;
      }
      synchronized (taskSpans) {
        taskSpans.add(new long[] {end.taskInfo().launchTime(), end.taskInfo().finishTime()});
      }
      TaskMetrics m = end.taskMetrics();
      if (m != null && end.taskInfo().successful()) {
        bytesRead.addAndGet(m.inputMetrics().bytesRead());
        recordsRead.addAndGet(m.inputMetrics().recordsRead());
        recordsWritten.addAndGet(m.outputMetrics().recordsWritten());
        executorCpuNanos.addAndGet(m.executorCpuTime());
        executorRunMillis.addAndGet(m.executorRunTime());
      }
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
      for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t :
          JavaConverters.seqAsJavaList(update.accumUpdates())) {
        if (!stages.contains(((Number) t._2()).intValue())) {
          continue;
        }
        long[] r = running.computeIfAbsent((Long) t._1(), k -> new long[3]);
        for (AccumulableInfo info : JavaConverters.seqAsJavaList(t._4())) {
          if (info.name().isEmpty()
              || info.update().isEmpty()
              || !(info.update().get() instanceof Number n)) {
            continue;
          }
          switch (info.name().get()) {
            case BYTES_READ -> r[0] = n.longValue();
            case RECORDS_READ -> r[1] = n.longValue();
            case RECORDS_WRITTEN -> r[2] = n.longValue();
            default -> {}
          }
        }
      }
    }
  }
}
