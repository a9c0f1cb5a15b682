package dev.corral.inference.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.LocalCluster;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.Scorer;
import dev.corral.inference.spark.ExecutorLlamas;
import dev.corral.inference.spark.LlamaScorer;
import dev.corral.inference.spark.TinyLlama;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two executor JVMs with fake GPUs "0" and "1" (no CUDA here): every row reports the GPU its task
 * was given, both GPUs serve rows, and each executor loaded its model exactly once, keyed by its
 * GPU, while running more tasks than there are executors. {@code spark.corral.llama.cpuFallback}
 * makes the models load on the CPU.
 */
class LlamaClusterTest {
  private static final int EXECUTORS = 2;
  private static final int PARTITIONS = 8;
  private static SparkSession spark;
  private static String modelPath;

  @BeforeAll
  static void start() {
    modelPath = TinyLlama.dir().toString();
    spark =
        LlamaExecutors.configure(
                LocalCluster.builder("LlamaClusterTest").executors(EXECUTORS).fakeGpus())
            .start();
  }

  @AfterAll
  static void stop() {
    LocalCluster.stop(spark);
  }

  /** What one task saw: its executor, its GPU, and the loads of every model key in its JVM. */
  record Report(String executor, String gpu, Map<String, Long> loads) implements Serializable {}

  @Test
  void oneModelPerExecutorAndGpuNeverPerTask() {
    List<Row> rows = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      texts.add(
          "Row "
              + i
              + " of a table scored on "
              + (i % 2 == 0 ? "a fake GPU." : "another fake GPU."));
      rows.add(RowFactory.create(i, texts.get(i)));
    }
    StructType schema =
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Row> out =
        new LlamaScorer()
            .setModelPath(modelPath)
            .setBatchTokens(64)
            .transform(spark.createDataFrame(jsc.parallelize(rows, PARTITIONS), schema))
            .collectAsList();

    assertEquals(32, out.size());
    Set<String> devices = new TreeSet<>();
    try (LlamaModel model = LlamaModel.load(Path.of(modelPath))) {
      List<Scorer.TokenScores> engine = Scorer.builder().setModel(model).build().scoreAll(texts);
      for (int i = 0; i < out.size(); i++) {
        Row r = out.get(i);
        assertEquals(i, (int) r.getAs("id"), "rows keep their order");
        assertNull(r.getAs("error"));
        devices.add(r.getAs("device"));
        assertEquals(engine.get(i).total(), r.<Double>getAs("logprob"), 1e-3);
      }
    }
    assertEquals(
        Set.of("gpu:0", "gpu:1"),
        devices,
        "every row ran on a task's GPU, and both GPUs served rows");

    // Ask every executor what it loaded, from more tasks than executors.
    List<Report> reports =
        jsc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), PARTITIONS)
            .mapPartitions(LlamaClusterTest::report)
            .collect();
    Map<String, Set<String>> gpusByExecutor = new TreeMap<>();
    for (Report r : reports) {
      gpusByExecutor.computeIfAbsent(r.executor(), k -> new TreeSet<>()).add(r.gpu());
      String key = new ExecutorLlamas.Key(modelPath, "gpu:" + r.gpu(), "auto").toString();
      assertEquals(
          Map.of(key, 1L), r.loads(), () -> "executor " + r.executor() + " loaded " + r.loads());
    }
    assertEquals(EXECUTORS, gpusByExecutor.size(), () -> "executor -> GPUs: " + gpusByExecutor);
    gpusByExecutor
        .values()
        .forEach(g -> assertEquals(1, g.size(), () -> "executor -> GPUs: " + gpusByExecutor));
    assertTrue(PARTITIONS > EXECUTORS);
  }

  private static Iterator<Report> report(Iterator<Integer> ignored) {
    ResourceInformation gpu = TaskContext.get().resourcesJMap().get("gpu");
    Map<String, Long> loads = new TreeMap<>();
    ExecutorLlamas.loads().forEach((k, v) -> loads.put(k.toString(), v));
    return List.of(new Report(SparkEnv.get().executorId(), gpu.addresses()[0], loads)).iterator();
  }
}
