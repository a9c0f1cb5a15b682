package dev.corral.core.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The clocks a job's run record takes from its tasks. */
class JobProgressTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("job-progress", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  @Test
  void tasksRunningSideBySideKeepTheJobBusyOnce() throws Exception {
    ForeachFunction<Long> sleep = x -> Thread.sleep(800);
    // Another job's tasks, before this job's clocks start, do not count.
    spark.range(0, 2, 1, 2).foreach(sleep);
    try (JobProgress progress =
        new JobProgress(
            spark.sparkContext(),
            "test",
            new PrintStream(new ByteArrayOutputStream()),
            3_600_000)) {
      long started = System.nanoTime();
      spark.range(0, 2, 1, 2).foreach(sleep); // two tasks at once on local[2]
      Thread.sleep(300); // the listener bus delivers task ends after the job returns
      double wall = (System.nanoTime() - started) / 1e9;
      double summed = progress.executorRunSeconds();
      double busy = progress.taskBusySeconds();
      assertTrue(summed >= 1.6 && summed < 2.5, "two tasks of 0.8 s: " + summed);
      assertTrue(busy >= 0.8 && busy < 1.4, "busy about 0.8 s, not their sum: " + busy);
      assertTrue(busy < wall, busy + " within the wall time " + wall);
    }
  }
}
