package dev.corral.bench;

import dev.corral.core.io.Tables;
import dev.corral.curation.sources.stackexchange.StackExchange;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code corral source stackexchange}'s work once the JVM is warm: reads a dump and writes the
 * documents as Parquet, RUNS times in one local[2] session, printing the process CPU seconds of
 * each run and the median of all runs but the first (JVM start, Spark start and JIT compilation are
 * paid once per job, whatever its size). The write is the runner's ({@link Tables#write}); {@code
 * dictionary} as a third argument writes with Spark's Parquet defaults instead, for a before/after
 * of the free-text columns' dictionary. Usage: StackExchangeThroughput INPUT RUNS [dictionary]
 */
public final class StackExchangeThroughput {
  public static void main(String[] args) throws Exception {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "localhost")
            .getOrCreate();
    int runs = Integer.parseInt(args[1]);
    boolean dictionary = args.length > 2 && args[2].equals("dictionary");
    List<Double> cpu = new ArrayList<>();
    long posts = 0;
    for (int i = 0; i < runs; i++) {
      double before = cpuSeconds();
      try (StackExchange.Result read = StackExchange.read(spark, List.of(args[0]))) {
        if (dictionary) {
          read.documents().write().mode("overwrite").parquet("/tmp/corral-se-throughput");
        } else {
          Tables.write(read.documents(), "/tmp/corral-se-throughput", Tables.PARQUET);
        }
        posts = read.postsRead();
      }
      cpu.add(cpuSeconds() - before);
    }
    List<Double> warm = new ArrayList<>(cpu.subList(1, cpu.size()));
    warm.sort(null);
    double median = warm.get(warm.size() / 2);
    System.out.printf(
        "%nonce warm (one JVM, local[2], %d runs%s): CPU s per run %s; median of runs 2..%d: %.2f s = %,.0f"
            + " posts per CPU s%n",
        runs,
        dictionary ? ", Parquet's dictionary for text" : "",
        cpu.stream().map(c -> String.format("%.2f", c)).toList(),
        runs,
        median,
        posts / median);
    spark.stop();
  }

  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }
}
