package dev.corral.inference.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.TestSpark;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.Scorer;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** corral_perplexity(text) in SQL matches the engine, with the model from the session conf. */
class InferenceSparkExtensionsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        TestSpark.start(
            "InferenceSparkExtensionsTest",
            Map.of("spark.sql.extensions", InferenceSparkExtensions.class.getName()));
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  @Test
  void perplexityInSqlMatchesTheEngine() {
    List<String> texts = List.of("The cat sat on the mat.", "Spark runs one model per executor.");
    List<Row> rows =
        List.of(
            RowFactory.create(0, texts.get(0)),
            RowFactory.create(1, texts.get(1)),
            RowFactory.create(2, ""),
            RowFactory.create(3, null));
    spark
        .createDataFrame(
            rows,
            new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType))
        .createOrReplaceTempView("docs");
    spark.conf().set(InferenceSparkExtensions.MODEL_CONF, TinyLlama.dir().toString());
    List<Row> out =
        spark
            .sql("SELECT id, corral_perplexity(text) AS ppl FROM docs ORDER BY id")
            .collectAsList();
    try (LlamaModel model = LlamaModel.load(TinyLlama.dir())) {
      Scorer scorer = Scorer.builder().setModel(model).build();
      for (int i = 0; i < 2; i++) {
        double expected = scorer.score(texts.get(i)).perplexity();
        assertEquals(expected, out.get(i).getDouble(1), expected * 1e-4, texts.get(i));
      }
    }
    assertNull(out.get(2).get(1), "empty text");
    assertNull(out.get(3).get(1), "null text");
    assertTrue(
        spark
            .sql("DESCRIBE FUNCTION corral_perplexity")
            .collectAsList()
            .toString()
            .contains(InferenceSparkExtensions.MODEL_CONF));
  }

  @Test
  void withoutAModelTheQueryFailsSayingWhichSetting() {
    spark.conf().unset(InferenceSparkExtensions.MODEL_CONF);
    Exception e =
        assertThrows(
            Exception.class, () -> spark.sql("SELECT corral_perplexity('hello world')").collect());
    assertTrue(
        String.valueOf(e.getMessage()).contains(InferenceSparkExtensions.MODEL_CONF), e.toString());
    Exception arity =
        assertThrows(
            Exception.class, () -> spark.sql("SELECT corral_perplexity('a', 'b')").collect());
    assertTrue(String.valueOf(arity.getMessage()).contains("1 argument"), arity.toString());
  }
}
