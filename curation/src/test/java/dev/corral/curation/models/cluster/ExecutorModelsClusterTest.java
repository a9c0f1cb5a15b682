package dev.corral.curation.models.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.LocalCluster;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.models.ExecutorModels;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only separate executor JVMs can show: the language model is read once per executor JVM
 * however many tasks run there, results equal local mode's, and fake GPUs reach tasks one address
 * per executor.
 */
class ExecutorModelsClusterTest {
  private static final String MODEL = LanguageIdentifier.BUNDLED_MODEL;
  private static final int EXECUTORS = 2;
  private static final int PARTITIONS = 16;
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("text", DataTypes.StringType, false);

  private static List<Row> udhr;

  /** id → "language score" from a local[2] session, the reference. */
  private static Map<Integer, String> localLanguages;

  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    // UDHR dev set: code, html lang, text; no header.
    List<String> lines =
        Files.readAllLines(
            TestSpark.sharedDir().resolve("data/udhr-dev.tsv"), StandardCharsets.UTF_8);
    udhr = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.split("\t", 3);
      udhr.add(RowFactory.create(udhr.size(), fields[2]));
    }
    // One SparkContext per JVM: the local reference first, then the cluster.
    SparkSession local = TestSpark.start("ExecutorModelsClusterTest-local", Map.of());
    try {
      localLanguages = languages(identify(local).collectAsList());
    } finally {
      TestSpark.stop(local);
    }
    spark =
        LocalCluster.builder("ExecutorModelsClusterTest").executors(EXECUTORS).fakeGpus().start();
  }

  @AfterAll
  static void stop() {
    LocalCluster.stop(spark);
  }

  private static Dataset<Row> identify(SparkSession session) {
    Dataset<Row> in =
        session.createDataFrame(
            JavaSparkContext.fromSparkContext(session.sparkContext()).parallelize(udhr, PARTITIONS),
            SCHEMA);
    return new LanguageIdentifier()
        .setModelPath(MODEL)
        .transform(in)
        .select("id", "language", "language_score");
  }

  private static Map<Integer, String> languages(List<Row> rows) {
    Map<Integer, String> out = new TreeMap<>();
    for (Row r : rows) {
      out.put(r.getInt(0), r.getString(1) + " " + r.getFloat(2));
    }
    return out;
  }

  /**
   * What one task saw: where it ran, how often that JVM had read the model, and its rows'
   * languages.
   */
  record PartitionReport(String executorId, String jvm, long loads, Map<Integer, String> languages)
      implements Serializable {}

  @Test
  void modelLoadsOncePerExecutorJvmAndAgreesWithLocalMode() {
    List<PartitionReport> reports =
        identify(spark).toJavaRDD().mapPartitions(ExecutorModelsClusterTest::report).collect();

    assertEquals(PARTITIONS, reports.size());
    Map<String, Set<String>> jvmsByExecutor = new TreeMap<>();
    Map<Integer, String> clusterLanguages = new TreeMap<>();
    for (PartitionReport r : reports) {
      jvmsByExecutor.computeIfAbsent(r.executorId(), k -> new TreeSet<>()).add(r.jvm());
      clusterLanguages.putAll(r.languages());
      // Every task ran after its JVM's first read of the model, and no task read it again.
      assertEquals(
          1, r.loads(), () -> "model reads in " + r.jvm() + " (executor " + r.executorId() + ")");
    }
    Set<String> jvms =
        jvmsByExecutor.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    assertEquals(
        EXECUTORS, jvmsByExecutor.size(), () -> "executors that ran tasks: " + jvmsByExecutor);
    assertEquals(EXECUTORS, jvms.size(), () -> "executor JVMs: " + jvmsByExecutor);
    assertFalse(
        jvms.contains(ManagementFactory.getRuntimeMXBean().getName()),
        "tasks ran in the driver JVM");
    assertTrue(reports.size() > jvms.size());
    // The driver JVM read the model once, for local mode (or an earlier test class), not for the
    // cluster job.
    assertEquals(1, ExecutorModels.loads(MODEL));

    assertEquals(udhr.size(), clusterLanguages.size());
    assertEquals(localLanguages, clusterLanguages);
    assertTrue(
        clusterLanguages.values().stream().map(v -> v.split(" ")[0]).distinct().count() > 50,
        "UDHR covers many languages");
  }

  private static Iterator<PartitionReport> report(Iterator<Row> rows) {
    Map<Integer, String> languages = new HashMap<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      languages.put(r.getInt(0), r.getString(1) + " " + r.getFloat(2));
    }
    return List.of(
            new PartitionReport(
                SparkEnv.get().executorId(),
                ManagementFactory.getRuntimeMXBean().getName(),
                ExecutorModels.loads(MODEL),
                languages))
        .iterator();
  }

  @Test
  void fakeGpusReachTasksOneAddressPerExecutor() {
    int tasks = 8;
    List<String> seen =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), tasks)
            .mapPartitions(ExecutorModelsClusterTest::gpus)
            .collect();

    assertEquals(tasks, seen.size());
    Map<String, Set<String>> addressesByExecutor = new TreeMap<>();
    for (String s : seen) {
      String[] parts = s.split("=", 2);
      addressesByExecutor.computeIfAbsent(parts[0], k -> new TreeSet<>()).add(parts[1]);
    }
    assertEquals(EXECUTORS, addressesByExecutor.size(), () -> "executor=gpu per task: " + seen);
    Set<String> all = new TreeSet<>();
    for (Set<String> addresses : addressesByExecutor.values()) {
      // One address per executor, the same for all its tasks.
      assertEquals(1, addresses.size(), () -> "executor=gpu per task: " + seen);
      all.addAll(addresses);
    }
    assertEquals(Set.of("0", "1"), all, () -> "executor=gpu per task: " + seen);
  }

  private static Iterator<String> gpus(Iterator<Integer> ignored) {
    ResourceInformation gpu = TaskContext.get().resourcesJMap().get("gpu");
    String addresses = gpu == null ? "none" : String.join(",", gpu.addresses());
    return List.of(SparkEnv.get().executorId() + "=" + addresses).iterator();
  }
}
