package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.stage.StageRegistry;
import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML contract on every stage the registry finds (every module's, through {@code
 * ServiceLoader}), not a hand-kept list: params, copy, save/load; and every param documented for
 * the command line's help.
 */
class EveryStageContractTest {
  static SparkSession spark;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("EveryStageContractTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Params & MLWritable> void saveAndLoad(
      PipelineStage stage, String path) {
    SparkMlContract.checkReadWrite((T) stage, path);
  }

  @TestFactory
  Stream<DynamicTest> everyRegisteredStageKeepsTheContract() {
    Set<String> names = StageRegistry.names();
    assertTrue(
        names.containsAll(
            List.of(
                "LanguageIdentifier",
                "PerplexityScorer",
                "MinHashDeduplicator",
                "LlamaScorer",
                "LlamaGenerator")),
        names.toString());
    ResourceBundle docs = new ParamOptions.Docs();
    return names.stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> {
                      PipelineStage stage = StageRegistry.create(name, Map.of(), "test");
                      assertEquals(name, stage.getClass().getSimpleName());
                      SparkMlContract.checkParams(stage);
                      assertTrue(stage instanceof MLWritable, name + " cannot be saved");
                      saveAndLoad(stage, tmp.resolve(name).toString());
                      for (Param<?> p : stage.params()) {
                        assertNotNull(
                            docs.getString(name + "." + p.name()),
                            name + "." + p.name() + " has no help text");
                      }
                    }));
  }
}
