package dev.corral.curation.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.langid.LanguageIdentifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorModelsTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("ExecutorModelsTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  /** A private copy of the model, so its URI is new to this JVM's cache whatever ran before. */
  private Path freshModel(String name) throws Exception {
    Path copy = tmp.resolve(name);
    Files.copy(TestSpark.lidModel(), copy);
    return copy;
  }

  @Test
  void loadsOncePerJvmAcrossManyTasks() throws Exception {
    String uri = freshModel("lid-tasks.ftz").toUri().toString();
    assertEquals(0, ExecutorModels.loads(uri));
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      texts.add(
          i % 2 == 0
              ? "Everyone has the right to education, number " + i
              : "Toute personne a droit à l'éducation, numéro " + i);
    }
    int partitions = 16;
    JavaRDD<String> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(texts, partitions);
    Dataset<Row> in = spark.createDataset(rdd.rdd(), Encoders.STRING()).toDF("text");
    assertEquals(partitions, in.rdd().getNumPartitions());
    Dataset<Row> out = new LanguageIdentifier().setModelPath(uri).transform(in);
    Map<String, Long> counts = new HashMap<>();
    for (Row r : out.groupBy("language").count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    assertEquals(Map.of("en", 200L, "fr", 200L), counts);
    // 16 tasks on two task threads, one read of the model.
    assertEquals(1, ExecutorModels.loads(uri));
  }

  @Test
  void concurrentFirstCallsShareOneLoad() throws Exception {
    String uri = freshModel("lid-threads.ftz").toString();
    int threads = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<FastTextModel>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<FastTextModel> call =
            () -> {
              go.await();
              return ExecutorModels.fastText(uri);
            };
        results.add(pool.submit(call));
      }
      go.countDown();
      FastTextModel first = results.get(0).get();
      for (Future<FastTextModel> f : results) {
        assertSame(first, f.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, ExecutorModels.loads(uri));
  }

  @Test
  void readsBuiltinLocalAndFileUris() throws Exception {
    Path local = freshModel("lid-local.ftz");
    String text = "Tout le monde a droit à la liberté de pensée.";
    FastTextModel reference = FastTextModel.load(TestSpark.lidModel());
    float expected = reference.predict(text, 1, 0f).get(0).probability();
    for (String uri :
        List.of(LanguageIdentifier.BUNDLED_MODEL, local.toString(), local.toUri().toString())) {
      FastTextModel model = ExecutorModels.fastText(uri);
      assertEquals("__label__fr", model.predict(text, 1, 0f).get(0).label(), uri);
      assertEquals(expected, model.predict(text, 1, 0f).get(0).probability(), 0f, uri);
      assertSame(model, ExecutorModels.fastText(uri), uri);
      assertEquals(1, ExecutorModels.loads(uri), uri);
    }
  }

  @Test
  void missingModelsAreClearErrorsAndAreNotCached() throws Exception {
    String missing = tmp.resolve("absent.ftz").toUri().toString();
    CorralException e = assertThrows(CorralException.class, () -> ExecutorModels.fastText(missing));
    assertEquals(missing + ": cannot read: no such file", e.getMessage());
    assertEquals(0, ExecutorModels.loads(missing));
    CorralException builtin =
        assertThrows(CorralException.class, () -> ExecutorModels.fastText("builtin:lid.999.ftz"));
    assertEquals(
        "builtin:lid.999.ftz: no such bundled model (bundled: lid.176.ftz)", builtin.getMessage());
    assertThrows(
        CorralException.class, () -> ExecutorModels.fastText("builtin:../langid/lid.176.ftz"));
    // A failed load is not cached: once the file appears, the same URI loads.
    Files.copy(TestSpark.lidModel(), Path.of(java.net.URI.create(missing)));
    assertEquals(176, ExecutorModels.fastText(missing).labelCount());
    assertEquals(1, ExecutorModels.loads(missing));
  }

  @Test
  void aFileThatIsNotAModelNamesItself() throws Exception {
    Path junk = tmp.resolve("junk.ftz");
    Files.writeString(junk, "not a model at all");
    CorralException e =
        assertThrows(CorralException.class, () -> ExecutorModels.fastText(junk.toString()));
    assertTrue(e.getMessage().startsWith(junk + ": not a valid fastText model"), e.getMessage());
  }
}
