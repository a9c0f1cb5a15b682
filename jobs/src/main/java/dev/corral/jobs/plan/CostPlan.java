package dev.corral.jobs.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each step of a recipe will cost on the whole input, extrapolated from runs on two samples of
 * it, a small one and one four times larger.
 *
 * <p>A step's cost is a fixed part (loading a model, planning, Delta commits, warming the JIT) plus
 * a part that grows with its input; two samples tell them apart, where one would charge the fixed
 * part again for every sample's worth of input. The line through the two samples' CPU seconds,
 * against the source's sampled bytes, gives the work (core-hours) on the whole input. Wall time:
 * the line through the two samples' task time (the tasks' wall time, summed, which includes a
 * task's waits on native thread pools; never flatter than the tasks' CPU line) gives the part that
 * grows, divided among the cores the step can use (no more than its tasks, one per input file or
 * per 128 MiB split); the larger sample's time outside its tasks (planning, Delta commits, the run
 * record) stays as it is. Rows, bytes of data files and tokens are proportional to the input, from
 * the larger sample; a step's other files (logs, records, charts) are taken as they are.
 *
 * <p>A step also pays per file it reads: a task, a reader or a writer per file, files listed and
 * committed. A third sample, as large as the larger one but spread over more files, tells that cost
 * apart: its time beyond what its bytes explain, per extra file, is charged for every file the
 * whole input has beyond the larger sample's. A step's input files are the source's files, or the
 * files the step before will write: extrapolated the same way, or, for a partitioned output (a
 * crawl step writes a file per task, language and bucket), the partitions a task of the whole
 * input's rows will meet ({@link Partitions}) times its tasks.
 *
 * <p>The samples run in a JVM that a first, warm-up sample has already warmed; a recipe runs in a
 * new one, where each step also pays for the first use of its code (its reader's classes, the JIT,
 * a model's load). That cost is the warm-up's time for the step beyond the warmed run's, and is
 * added to the step once, whatever the input's size.
 */
public final class CostPlan {
  /** Hadoop's split size: a task per this many bytes of a large file. */
  static final long SPLIT_BYTES = 128L << 20;

  private CostPlan() {}

  /**
   * A step as it ran on one sample.
   *
   * @param step the step's id ({@code source/step}, {@code models/x}, {@code mixture})
   * @param x the sample's size in the unit the step grows with (the source's sampled bytes, the
   *     mixture's token budget)
   * @param wallSeconds its wall time
   * @param cpuSeconds its tasks' CPU time on the executors
   * @param taskSeconds its tasks' wall time, summed over the tasks
   * @param busySeconds wall time during which at least one of its tasks ran, 0 when unknown
   * @param processCpuSeconds the CPU time of the whole process while it ran alone (local mode: the
   *     executors, native thread pools, GC and JIT), 0 when unknown
   * @param inputBytes the bytes it read (the source's sampled files, or the step before's output)
   * @param rows rows of its output
   * @param dataBytes bytes of its output's data files
   * @param otherBytes bytes of its output's other files
   * @param tokens tokens of its kept documents (0 when not known)
   * @param parallelism tasks the sample could run at once
   * @param cores cores of the machine the sample ran on, 0 when unknown
   * @param inputFiles the files it read (the source's sampled files, or the data files of the step
   *     before's output)
   * @param outputFiles data files of its output
   * @param partitionRows rows of each partition of its output (a folder such as {@code
   *     language=fr}), empty when the output is not partitioned
   */
  public record Measured(
      String step,
      double x,
      double wallSeconds,
      double cpuSeconds,
      double taskSeconds,
      double busySeconds,
      double processCpuSeconds,
      long inputBytes,
      long rows,
      long dataBytes,
      long otherBytes,
      long tokens,
      int parallelism,
      int cores,
      int inputFiles,
      int outputFiles,
      long[] partitionRows) {

    /** Its time outside its tasks: planning, commits, listing files, the run record. */
    double outsideTasks() {
      return Math.max(0, wallSeconds - (busySeconds > 0 ? busySeconds : taskSeconds / parallelism));
    }

    /**
     * Its tasks' time per CPU second (never below one), less the waits the process's other threads
     * caused: a sample's tasks share the cores with the JIT, still compiling, and the driver, which
     * a long run's tasks mostly have to themselves. What those threads held while the tasks ran (at
     * most their CPU over the tasks' busy time) is taken off the cores; waits beyond that (on a
     * shuffle, a disk, a native pool) stay.
     */
    double waitRatio() {
      if (cpuSeconds <= 0) {
        return 1;
      }
      double ratio = taskSeconds / cpuSeconds;
      if (cores <= 0 || processCpuSeconds <= 0) {
        return Math.max(1, ratio);
      }
      double span = busySeconds > 0 ? busySeconds : wallSeconds;
      double others = span > 0 ? Math.max(0, processCpuSeconds - cpuSeconds) / span : 0;
      double free = Math.max(0.25, cores - others);
      return Math.max(1, ratio * Math.min(1, free / Math.max(1, parallelism)));
    }

    /** Its CPU time from the clock that saw more of it. */
    double cpu() {
      return Math.max(cpuSeconds, processCpuSeconds);
    }
  }

  /**
   * The whole input, in the unit of {@link Measured#x()}, and the tasks it gives a step: {@code
   * files} is what the step reads (the source's files, or the files the step before will write).
   */
  public record Whole(double x, int files, long bytes) {
    int tasks() {
      return (int) Math.max(Math.max(1, files), Math.ceil((double) bytes / SPLIT_BYTES));
    }
  }

  /** A step's estimate on the whole input. */
  public record Estimate(
      String step,
      double scale,
      double inputMb,
      double cpuSecondsPerMb,
      double fixedCpuSeconds,
      long rows,
      long diskBytes,
      long tokens,
      double coreHours,
      double wallSeconds,
      double firstUseSeconds,
      double cost,
      long inputFiles,
      long outputFiles,
      double fileSeconds) {

    /** The wall time in a JVM that has run the step before (the plan's own, or a test's). */
    public double warmWallSeconds() {
      return wallSeconds - firstUseSeconds;
    }
  }

  /**
   * The step of samples {@code small} and {@code large} on {@code whole}, on a cluster of {@code
   * cores} at {@code price} per core-hour; {@code coldLarge} is the {@code large} sample's run in a
   * cold JVM (the warm-up), whose extra time is the step's first use; {@code wide} read the large
   * sample's bytes from more files (or from the same ones, when the source has no more), and what
   * it cost beyond that is a cost per file.
   */
  public static Estimate estimate(
      Measured coldLarge,
      Measured small,
      Measured large,
      Measured wide,
      Whole whole,
      int cores,
      double price) {
    double scale = large.x() == 0 ? 1 : whole.x() / large.x();
    double dx = large.x() - small.x();
    // CPU seconds per unit, the line through the two samples, from both clocks: tasks' CPU misses
    // native thread pools (the tokenizer's), the process's counts the JIT's shrinking work against
    // the larger sample; each is a lower bound, so the larger is taken.
    double taskCpuSlope = slope(small.cpuSeconds(), large.cpuSeconds(), large.x(), dx);
    double cpuSlope =
        Math.max(
            taskCpuSlope,
            slope(small.processCpuSeconds(), large.processCpuSeconds(), large.x(), dx));
    double fixedCpu = Math.max(0, large.cpu() - cpuSlope * large.x());
    double firstUse = Math.max(0, coldLarge.wallSeconds() - large.wallSeconds());
    double firstUseCpu = Math.max(0, coldLarge.cpu() - large.cpu());
    // Wall time: the tasks' time (summed) grows with the input, on as many cores as the step has
    // tasks; the rest of the step (planning, commits, the record) does not.
    // The tasks' CPU line, at the larger sample's task time per CPU second less the JIT's and the
    // driver's share of the cores: the CPU clock is the steadier on a shared machine, where a cheap
    // step's task-time line comes out flat or steep from noise, and from a downstream step's file
    // count moving with the sample.
    double taskSlope =
        large.cpuSeconds() > 0
            ? taskCpuSlope * large.waitRatio()
            : slope(small.taskSeconds(), large.taskSeconds(), large.x(), dx);
    double fixedTasks = Math.max(0, large.taskSeconds() - taskSlope * large.x());
    double usable = Math.max(1, Math.min(cores, whole.tasks()));

    // Files: a task, a reader or a writer per file, a file listed and committed. The wide sample's
    // time beyond what its bytes explain, per extra file, is paid again for every file the whole
    // input has beyond the large sample's (a crawl step's output files grow with its input's).
    double perFileTask = 0;
    double perFileCpu = 0;
    double perFileOutside = 0;
    double outputsPerFile = 0;
    int sampledMore = wide.inputFiles() - large.inputFiles();
    if (sampledMore > 0) {
      double dxWide = wide.x() - large.x();
      perFileTask =
          Math.max(
              0, (wide.taskSeconds() - large.taskSeconds() - taskSlope * dxWide) / sampledMore);
      perFileCpu = Math.max(0, (wide.cpu() - large.cpu() - cpuSlope * dxWide) / sampledMore);
      perFileOutside = Math.max(0, (wide.outsideTasks() - large.outsideTasks()) / sampledMore);
      outputsPerFile =
          Math.max(0, (double) (wide.outputFiles() - large.outputFiles()) / sampledMore);
    }
    double moreFiles = Math.max(0, whole.files() - large.inputFiles());
    long outputFiles = Math.round(large.outputFiles() + outputsPerFile * moreFiles);
    if (large.partitionRows().length > 0) {
      // A file per task and partition: a task of more rows meets more partitions (languages).
      int tasks = whole.tasks();
      outputFiles =
          Math.round(
              tasks * Partitions.perTask(large.partitionRows(), large.rows() * scale / tasks));
    }
    double fileSeconds = perFileOutside * moreFiles + perFileTask * moreFiles / usable;

    double work = fixedCpu + firstUseCpu + perFileCpu * moreFiles + cpuSlope * whole.x();
    double wall =
        firstUse
            + large.outsideTasks()
            + fileSeconds
            + (fixedTasks + taskSlope * whole.x()) / usable;
    double inputMb = large.inputBytes() * scale / 1e6;
    return new Estimate(
        large.step(),
        scale,
        inputMb,
        inputMb == 0 ? 0 : cpuSlope * whole.x() / inputMb,
        fixedCpu + firstUseCpu,
        Math.round(large.rows() * scale),
        Math.round(large.dataBytes() * scale) + large.otherBytes(),
        Math.round(large.tokens() * scale),
        work / 3600,
        wall,
        firstUse,
        cores * wall / 3600 * price,
        whole.files(),
        outputFiles,
        fileSeconds);
  }

  private static double slope(double small, double large, double x, double dx) {
    if (dx > 0) {
      return Math.max(0, (large - small) / dx);
    }
    return x == 0 ? 0 : large / x; // one sample size (a source smaller than the small sample)
  }

  /** The estimates as a table with totals (steps one after another; sources may overlap). */
  public static String table(List<Estimate> steps, int cores, double price) {
    StringBuilder out = new StringBuilder();
    String row = "%-26s %8s %10s %8s %9s %12s %10s %12s %10s %10s %10s%n";
    out.append(
        String.format(
            Locale.ROOT,
            row,
            "step",
            "scale",
            "input MB",
            "files",
            "CPU s/MB",
            "rows",
            "disk MB",
            "tokens",
            "core-h",
            "wall",
            "cost"));
    for (Estimate e : steps) {
      out.append(
          String.format(
              Locale.ROOT,
              row,
              e.step(),
              String.format(Locale.ROOT, "%.1fx", e.scale()),
              String.format(Locale.ROOT, "%.1f", e.inputMb()),
              e.inputFiles(),
              String.format(Locale.ROOT, "%.3f", e.cpuSecondsPerMb()),
              e.rows(),
              String.format(Locale.ROOT, "%.1f", e.diskBytes() / 1e6),
              e.tokens(),
              String.format(Locale.ROOT, "%.3f", e.coreHours()),
              duration(e.wallSeconds()),
              String.format(Locale.ROOT, "%.2f", e.cost())));
    }
    Estimate total = total(steps);
    out.append(
        String.format(
            Locale.ROOT,
            "total: %.3f core-hours, %s wall on %d cores (steps one after another; %s of it the"
                + " first use of each step's code in a new JVM), %.1f MB of outputs, cost %.2f at"
                + " %.4f per core-hour%n",
            total.coreHours(),
            duration(total.wallSeconds()),
            cores,
            duration(total.firstUseSeconds()),
            total.diskBytes() / 1e6,
            total.cost(),
            price));
    return out.toString();
  }

  /** The estimates and totals as the plan's JSON holds them. */
  public static Map<String, Object> json(List<Estimate> steps, int cores, double price) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Estimate e : steps) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("step", e.step());
      s.put("scale", e.scale());
      s.put("fixed_cpu_seconds", e.fixedCpuSeconds());
      s.put("input_mb", e.inputMb());
      s.put("cpu_seconds_per_mb", e.cpuSecondsPerMb());
      s.put("rows", e.rows());
      s.put("disk_bytes", e.diskBytes());
      s.put("tokens", e.tokens());
      s.put("core_hours", e.coreHours());
      s.put("wall_seconds", e.wallSeconds());
      s.put("first_use_seconds", e.firstUseSeconds());
      s.put("cost", e.cost());
      s.put("input_files", e.inputFiles());
      s.put("output_files", e.outputFiles());
      s.put("file_seconds", e.fileSeconds());
      list.add(s);
    }
    Estimate total = total(steps);
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("core_hours", total.coreHours());
    totals.put("wall_seconds", total.wallSeconds());
    totals.put("first_use_seconds", total.firstUseSeconds());
    totals.put("disk_bytes", total.diskBytes());
    totals.put("cost", total.cost());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cores", cores);
    out.put("price_per_core_hour", price);
    out.put("steps", list);
    out.put("totals", totals);
    return out;
  }

  /** The steps one after another: core-hours, wall time, disk and cost summed. */
  static Estimate total(List<Estimate> steps) {
    double coreHours = 0;
    double wall = 0;
    double firstUse = 0;
    long disk = 0;
    double cost = 0;
    for (Estimate e : steps) {
      coreHours += e.coreHours();
      wall += e.wallSeconds();
      firstUse += e.firstUseSeconds();
      disk += e.diskBytes();
      cost += e.cost();
    }
    return new Estimate("total", 1, 0, 0, 0, 0, disk, 0, coreHours, wall, firstUse, cost, 0, 0, 0);
  }

  private static String duration(double seconds) {
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 7200) {
      return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
