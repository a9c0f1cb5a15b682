package dev.corral.jobs.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of {@link CostPlan}: a line through two samples, scaled, plus first use. */
class CostPlanTest {
  private static final double MB = 1e6;
  private static final long[] NONE = {};

  /** A step on a sample of {@code mb} MB that cost {@code fixed} + {@code perMb} × mb seconds. */
  private static CostPlan.Measured step(double mb, double fixed, double perMb, double extra) {
    double seconds = fixed + perMb * mb;
    return new CostPlan.Measured(
        "c4/filters",
        mb * MB,
        seconds + extra,
        seconds + extra,
        seconds,
        0,
        seconds + extra,
        (long) (mb * MB),
        (long) (mb * 1000),
        (long) (mb * MB / 2),
        500,
        (long) (mb * 250_000),
        1,
        2,
        1,
        1,
        NONE);
  }

  @Test
  void aLineThroughTwoSamplesIsExtrapolatedToTheWholeInput() {
    CostPlan.Measured small = step(1, 2, 3, 0);
    CostPlan.Measured large = step(4, 2, 3, 0);
    CostPlan.Estimate e =
        CostPlan.estimate(large, small, large, large, new CostPlan.Whole(100 * MB, 1, 0), 1, 10);
    assertEquals(25, e.scale(), 1e-9);
    assertEquals(100, e.inputMb(), 1e-9);
    assertEquals(3, e.cpuSecondsPerMb(), 1e-9);
    assertEquals(2, e.fixedCpuSeconds(), 1e-9);
    assertEquals(302, e.wallSeconds(), 1e-9, "the fixed part once, the rest per MB");
    assertEquals(302.0 / 3600, e.coreHours(), 1e-12);
    assertEquals(100_000, e.rows());
    assertEquals(50_000_500, e.diskBytes(), "data files scale, the other files do not");
    assertEquals(25_000_000, e.tokens());
    assertEquals(302.0 / 3600 * 10, e.cost(), 1e-9);
    assertEquals(0, e.firstUseSeconds());
  }

  @Test
  void aColdRunAddsItsExtraTimeOnceAsTheStepsFirstUse() {
    CostPlan.Measured cold = step(4, 2, 3, 7.5);
    CostPlan.Measured small = step(1, 2, 3, 0);
    CostPlan.Measured large = step(4, 2, 3, 0);
    CostPlan.Whole whole = new CostPlan.Whole(100 * MB, 1, 0);
    CostPlan.Estimate e = CostPlan.estimate(cold, small, large, large, whole, 1, 0);
    assertEquals(309.5, e.wallSeconds(), 1e-9);
    assertEquals(7.5, e.firstUseSeconds(), 1e-9);
    assertEquals(302, e.warmWallSeconds(), 1e-9);
    assertEquals(9.5, e.fixedCpuSeconds(), 1e-9, "the first use's CPU is fixed work too");

    CostPlan.Estimate faster = CostPlan.estimate(small, small, large, large, whole, 1, 0);
    assertEquals(0, faster.firstUseSeconds(), "a cold run that happened to be faster adds nothing");
    assertEquals(302, faster.wallSeconds(), 1e-9);

    CostPlan.Estimate total = CostPlan.total(List.of(e, e));
    assertEquals(619, total.wallSeconds(), 1e-9);
    assertEquals(15, total.firstUseSeconds(), 1e-9);
  }

  @Test
  void theGrowingPartIsSharedAmongTheCoresTheInputHasTasksFor() {
    CostPlan.Measured small = step(1, 0, 4, 0);
    CostPlan.Measured large = step(4, 0, 4, 0);
    // 400 s of tasks: one file and 300 MB give three 128 MiB splits, so 3 of the 8 cores work.
    CostPlan.Estimate e =
        CostPlan.estimate(
            large, small, large, large, new CostPlan.Whole(100 * MB, 1, 300_000_000L), 8, 0);
    assertEquals(400.0 / 3, e.wallSeconds(), 1e-9);
  }

  @Test
  void taskTimeGrowsAtLeastAsFastAsTheTasksCpuTime() {
    // The task clock barely moved between the samples (noise), the CPU clock grew by 1 s per MB.
    CostPlan.Measured small = measured(1, 2.0, 1.0);
    CostPlan.Measured large = measured(4, 2.3, 4.0);
    CostPlan.Estimate e =
        CostPlan.estimate(large, small, large, large, new CostPlan.Whole(100 * MB, 1, 0), 1, 0);
    // Fixed task time 2.3 - 4 x 1, none left; 100 MB at 1 s per MB; nothing outside the tasks.
    assertEquals(100, e.wallSeconds(), 1e-9);
  }

  @Test
  void taskTimeGrowsWithTheCpuTimeAtTheLargerSamplesTaskTimePerCpuSecond() {
    // CPU grew by 1 s per MB; the task clock by 2.2 s per MB (noise), and the larger sample's tasks
    // took 2 s per CPU second: 2 task-s per MB, none of the 8 s fixed.
    CostPlan.Measured small = measured(1, 1.5, 1.0);
    CostPlan.Measured large = measured(4, 8.0, 4.0);
    CostPlan.Estimate e =
        CostPlan.estimate(large, small, large, large, new CostPlan.Whole(100 * MB, 1, 0), 1, 0);
    assertEquals(200, e.wallSeconds(), 1e-9);
  }

  @Test
  void waitsForCoresTheJitHeldAreNotChargedToTheRun() {
    // One task on 2 cores: 2 task-s for 1 CPU s while it ran 2 s. The process spent 3.4 CPU s in
    // those 2 s, so other threads (the JIT, the driver) held 1.2 cores and left it 0.8: 2 x 0.8.
    CostPlan.Measured contended = busyProcess(2, 1, 2, 3.4, 2);
    assertEquals(1.6, contended.waitRatio(), 1e-9);
    // The same task with the process otherwise idle waited on something else (a shuffle, a
    // disk): the whole wait stays.
    assertEquals(2, busyProcess(2, 1, 2, 1, 1).waitRatio(), 1e-9);
    // Two tasks on 2 cores beside 1 core of the JIT's: each had half a core.
    assertEquals(1, busyProcess(4, 2, 2, 4, 2).waitRatio(), 1e-9);
    // Without the process's clock or the cores, the tasks' ratio as it is, never below one.
    assertEquals(2, busyProcess(2, 1, 2, 0, 1).waitRatio(), 1e-9);
    assertEquals(1, busyProcess(0.5, 1, 1, 0, 1).waitRatio(), 1e-9);

    CostPlan.Measured small = busyProcess(1, 0.5, 1, 1.7, 1);
    CostPlan.Estimate e =
        CostPlan.estimate(
            contended, small, contended, contended, new CostPlan.Whole(100 * MB, 1, 0), 1, 0);
    // CPU 0.5 s per MB over 100 MB at 1.6 task-s per CPU s, and the 0.4 task-s that 2 MB at that
    // rate leave of the larger sample's 2.
    assertEquals(0.4 + 0.5 * 1.6 * 100, e.wallSeconds(), 1e-9);
  }

  /** A step on {@code mb} MB whose one task ran {@code busy} s, with the process's CPU beside. */
  private static CostPlan.Measured busyProcess(
      double tasks, double cpu, double busy, double processCpu, double mb) {
    return new CostPlan.Measured(
        "c4/exact",
        mb * MB,
        busy,
        cpu,
        tasks,
        busy,
        processCpu,
        (long) (mb * MB),
        1,
        1,
        0,
        0,
        tasks > busy ? 2 : 1,
        2,
        1,
        1,
        NONE);
  }

  @Test
  void filesBeyondTheSamplesCostWhatTheWideSampleShowsPerFile() {
    // 2 s + 3 s per MB in tasks; the wide sample read 4 MB from 4 files instead of 1: 0.5 task-s
    // and 0.25 s outside the tasks (on its 2 cores) more per file, and 10 output files per file.
    CostPlan.Measured small = files("commoncrawl/ccnet", 1, 5, 5, 1, 1, 10);
    CostPlan.Measured large = files("commoncrawl/ccnet", 4, 14, 14, 1, 1, 10);
    CostPlan.Measured wide = files("commoncrawl/ccnet", 4, 15.5 / 2 + 0.75, 15.5, 2, 4, 40);
    CostPlan.Whole whole = new CostPlan.Whole(100 * MB, 34, 0);
    CostPlan.Estimate e = CostPlan.estimate(large, small, large, wide, whole, 1, 0);
    assertEquals(34, e.inputFiles());
    assertEquals(340, e.outputFiles(), "the step before's files for the next step");
    assertEquals(33 * 0.25 + 33 * 0.5, e.fileSeconds(), 1e-9);
    assertEquals(2 + 300 + 24.75, e.wallSeconds(), 1e-9);
    assertEquals((2 + 300 + 33 * 0.5) / 3600, e.coreHours(), 1e-12);

    // A wide sample that took more bytes (archives are copied whole) at the same cost per byte.
    CostPlan.Measured wholeFiles = files("arxiv/source", 8, 26, 26, 1, 2, 1);
    CostPlan.Estimate bytesOnly = CostPlan.estimate(large, small, large, wholeFiles, whole, 1, 0);
    assertEquals(0, bytesOnly.fileSeconds(), 1e-9, "its cost is its bytes'");
    assertEquals(302, bytesOnly.wallSeconds(), 1e-9);
  }

  @Test
  void aPartitionedOutputHasAFilePerTaskAndPartitionItsRowsMeet() {
    // One task wrote 1,000 rows into 5 partitions, none rare: every task of the whole input's 34
    // (a task per file) meets all 5, however many rows it has, and writes 5 files.
    long[] common = {400, 300, 200, 60, 40};
    CostPlan.Measured large = partitioned(4, 1_000, 5, common);
    CostPlan.Whole whole = new CostPlan.Whole(100 * MB, 34, 0);
    CostPlan.Estimate e = CostPlan.estimate(large, large, large, large, whole, 2, 0);
    assertEquals(34 * 5, e.outputFiles());

    // Ten languages seen once: a task of 25 x 1,000 / 34 rows meets more of the unseen ones.
    long[] rare = {400, 300, 200, 60, 30, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
    double perTask = Partitions.perTask(rare, 25_000.0 / 34);
    assertEquals(
        Math.round(34 * perTask),
        CostPlan.estimate(large, large, partitioned(4, 1_000, 16, rare), large, whole, 2, 0)
            .outputFiles());
    assertTrue(perTask > 9 && perTask < 16, "fewer than the sample's 16 at 735 of its rows");
  }

  private static CostPlan.Measured partitioned(double mb, long rows, int files, long[] partitions) {
    return new CostPlan.Measured(
        "commoncrawl/ccnet",
        mb * MB,
        10,
        10,
        10,
        5,
        10,
        (long) (mb * MB),
        rows,
        (long) (mb * MB),
        0,
        0,
        1,
        2,
        1,
        files,
        partitions);
  }

  @Test
  void timeOutsideTheTasksIsTheWallTimeNoTaskRan() {
    // Tasks of 4 and 10 s summed kept 2 cores busy for 3 and 6 s; 2 s of each run were the
    // driver's.
    CostPlan.Measured small = busy(1, 5, 4, 3);
    CostPlan.Measured large = busy(4, 8, 10, 6);
    CostPlan.Estimate e =
        CostPlan.estimate(large, small, large, large, new CostPlan.Whole(100 * MB, 4, 0), 2, 0);
    assertEquals(2 + (2 + 2 * 100) / 2.0, e.wallSeconds(), 1e-9);
  }

  private static CostPlan.Measured busy(double mb, double wall, double tasks, double busy) {
    return new CostPlan.Measured(
        "c4/minhash",
        mb * MB,
        wall,
        tasks,
        tasks,
        busy,
        0,
        (long) (mb * MB),
        1,
        1,
        0,
        0,
        2,
        2,
        1,
        1,
        NONE);
  }

  private static CostPlan.Measured files(
      String step,
      double mb,
      double wall,
      double taskSeconds,
      int parallelism,
      int inputFiles,
      int outputFiles) {
    return new CostPlan.Measured(
        step,
        mb * MB,
        wall,
        taskSeconds,
        taskSeconds,
        0,
        0,
        (long) (mb * MB),
        1,
        1,
        0,
        0,
        parallelism,
        2,
        inputFiles,
        outputFiles,
        NONE);
  }

  private static CostPlan.Measured measured(double mb, double taskSeconds, double cpuSeconds) {
    return new CostPlan.Measured(
        "c4/exact",
        mb * MB,
        taskSeconds,
        cpuSeconds,
        taskSeconds,
        0,
        0,
        (long) (mb * MB),
        1,
        1,
        0,
        0,
        1,
        2,
        1,
        1,
        NONE);
  }
}
