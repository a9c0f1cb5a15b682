package dev.corral.inference.spark;

import dev.corral.core.job.ProgressPrinter;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * A console progress line for a job running a LLaMA stage: a daemon thread prints rows done,
 * tokens/s and the ETA (from the input's row count) every few seconds while the job runs, and
 * {@link #summary} gives the final line. Counts are the accumulators of finished tasks plus what
 * running tasks last reported in their executors' heartbeats ({@code
 * spark.executor.heartbeatInterval}), so a long partition shows progress before it ends.
 */
public final class InferenceProgress implements AutoCloseable {
  private final SparkContext sc;
  private final InferenceMetrics metrics;
  private final long totalRows;
  private final String label;
  private final long startNanos = System.nanoTime();
  private final long[] ids;

  /** Running tasks' last reported values: task id -> accumulator index -> value. */
  private final Map<Long, long[]> running = new ConcurrentHashMap<>();

  private final Listener listener = new Listener();
  private final ProgressPrinter printer;

  /**
   * Starts printing {@link #line} to {@code out} every {@code periodMillis}; {@code totalRows} < 0:
   * unknown.
   */
  public InferenceProgress(
      SparkContext sc,
      InferenceMetrics metrics,
      long totalRows,
      String label,
      PrintStream out,
      long periodMillis) {
    this.sc = sc;
    this.metrics = metrics;
    this.totalRows = totalRows;
    this.label = label;
    List<LongAccumulator> accs = metrics.accumulators();
    ids = new long[accs.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = accs.get(i).id();
    }
    sc.addSparkListener(listener);
    printer = new ProgressPrinter(this::line, out, periodMillis);
  }

  /** Finished tasks' counts plus running tasks' last reports. */
  public InferenceMetrics.Snapshot current() {
    InferenceMetrics.Snapshot done = metrics.snapshot();
    long[] v = {done.rows(), done.errors(), done.tokensIn(), done.tokensOut()};
    for (long[] r : running.values()) {
      for (int i = 0; i < v.length; i++) {
        v[i] += r[i];
      }
    }
    return new InferenceMetrics.Snapshot(v[0], v[1], v[2], v[3]);
  }

  /** The progress line now. */
  public String line() {
    return line(label, current(), totalRows, (System.nanoTime() - startNanos) / 1e9);
  }

  /** {@code label: rows/total rows (pct), errors, tokens/s, ETA}. */
  static String line(String label, InferenceMetrics.Snapshot s, long total, double seconds) {
    long rows = total >= 0 ? Math.min(s.rows(), total) : s.rows();
    StringBuilder b = new StringBuilder(label).append(": ").append(rows);
    if (total >= 0) {
      b.append('/').append(total).append(" rows");
      if (total > 0) {
        b.append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * rows / total));
      }
    } else {
      b.append(" rows");
    }
    b.append(", ")
        .append(s.errors())
        .append(" errors, ")
        .append(
            String.format(Locale.ROOT, "%.1f tokens/s", seconds > 0 ? s.tokens() / seconds : 0.0));
    if (total >= 0) {
      b.append(", ETA ");
      if (rows >= total) {
        b.append("0s");
      } else if (rows == 0 || seconds <= 0) {
        b.append('?');
      } else {
        b.append(duration(Math.round(seconds * (total - rows) / rows)));
      }
    }
    return b.toString();
  }

  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + String.format(Locale.ROOT, "%02ds", seconds % 60);
    }
    return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02dm", seconds / 60 % 60);
  }

  /** The final line: rows, errors, tokens in and out, tokens/s over the whole run. */
  public String summary() {
    InferenceMetrics.Snapshot s = metrics.snapshot();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return String.format(
        Locale.ROOT,
        "%s: %d rows, %d errors, %d tokens in, %d tokens out, %.1f tokens/s in %.1fs",
        label,
        s.rows(),
        s.errors(),
        s.tokensIn(),
        s.tokensOut(),
        seconds > 0 ? s.tokens() / seconds : 0.0,
        seconds);
  }

  /** Stops the thread and the listener. */
  @Override
  public void close() {
    printer.close();
    sc.removeSparkListener(listener);
    running.clear();
  }

  private final class Listener extends SparkListener {
    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
      for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t :
          JavaConverters.seqAsJavaList(update.accumUpdates())) {
        long task = (Long) t._1();
        for (AccumulableInfo info : JavaConverters.seqAsJavaList(t._4())) {
          for (int i = 0; i < ids.length; i++) {
            if (info.id() == ids[i] && info.update().isDefined()) {
              Object value = info.update().get();
              if (value instanceof Number n) {
                running.computeIfAbsent(task, k -> new long[ids.length])[i] = n.longValue();
              }
            }
          }
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      running.remove(end.taskInfo().taskId());
    }
  }
}
