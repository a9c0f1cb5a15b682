package dev.corral.curation.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralConf;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.models.ExecutorModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorralSparkExtensionsTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.startWithExtensions("CorralSparkExtensionsTest");
    StructType schema =
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    String[] texts = {
      "Everyone has the right to life, liberty and security of person.",
      "Toute personne a droit à la vie, à la liberté et à la sûreté de sa personne.",
      "Jeder hat das Recht auf Leben, Freiheit und Sicherheit der Person.",
      "ok",
      "hello world",
      "",
      null
    };
    for (int i = 0; i < texts.length; i++) {
      rows.add(RowFactory.create(i, texts[i]));
    }
    spark.createDataFrame(rows, schema).createOrReplaceTempView("docs");
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  @AfterEach
  void resetConf() {
    for (CorralConf.Entry<?> e : CorralConf.entries()) {
      spark.conf().unset(e.key());
    }
  }

  /** The SQL answers must equal the Transformer's with the same model and minScore. */
  private static void assertSqlMatchesTransformer(String model, double minScore) {
    List<Row> sql =
        spark
            .sql(
                "SELECT id, corral_language(text) AS language, corral_language_score(text) AS score"
                    + " FROM docs ORDER BY id")
            .collectAsList();
    Dataset<Row> docs = spark.table("docs");
    List<Row> ml =
        new LanguageIdentifier()
            .setModelPath(model)
            .setMinScore(minScore)
            .transform(docs)
            .orderBy("id")
            .select("id", "language", "language_score")
            .collectAsList();
    assertEquals(ml, sql);
  }

  @Test
  void languageFunctionsMatchTheTransformer() {
    Dataset<Row> out =
        spark.sql("SELECT corral_language(text) AS l, corral_language_score(text) AS s FROM docs");
    assertEquals(DataTypes.StringType, out.schema().apply("l").dataType());
    assertEquals(DataTypes.FloatType, out.schema().apply("s").dataType());
    assertSqlMatchesTransformer(
        LanguageIdentifier.BUNDLED_MODEL, LanguageIdentifier.DEFAULT_MIN_SCORE);
    List<Row> rows =
        spark.sql("SELECT corral_language(text) FROM docs ORDER BY id").collectAsList();
    assertEquals("en", rows.get(0).getString(0));
    assertEquals("fr", rows.get(1).getString(0));
    assertEquals("de", rows.get(2).getString(0));
    assertEquals("unknown", rows.get(5).getString(0));
    assertNull(rows.get(6).get(0));
  }

  @Test
  void settingsAreReadFromCorralConfAtAnalysisTime() throws Exception {
    spark.sql("SET " + CorralConf.LANGID_MIN_SCORE.key() + "=0.99");
    assertSqlMatchesTransformer(LanguageIdentifier.BUNDLED_MODEL, 0.99);
    long unknown = spark.sql("SELECT * FROM docs WHERE corral_language(text) = 'unknown'").count();
    assertTrue(unknown >= 2, "a strict threshold leaves more texts unknown: " + unknown);

    Path copy = tmp.resolve("lid.ftz");
    Files.copy(TestSpark.lidModel(), copy);
    spark.conf().set(CorralConf.LANGID_MODEL.key(), copy.toUri().toString());
    assertSqlMatchesTransformer(copy.toUri().toString(), 0.99);
    assertEquals(1, ExecutorModels.loads(copy.toUri().toString()));
  }

  @Test
  void badSettingsNameTheKey() {
    spark.conf().set(CorralConf.LANGID_MIN_SCORE.key(), "2");
    Exception e =
        assertThrows(
            Exception.class, () -> spark.sql("SELECT corral_language(text) FROM docs").collect());
    assertTrue(
        messages(e)
            .contains("invalid spark.corral.langid.minScore '2': expected a number in [0, 1]"),
        messages(e));
  }

  @Test
  void wrongArgumentCountIsAClearError() {
    Map<String, String> expected =
        Map.of(
            "corral_language()",
                "corral_language takes 1 argument (text) but was given 0 arguments",
            "corral_language(text, text)",
                "corral_language takes 1 argument (text) but was given 2 arguments",
            "corral_language_score()",
                "corral_language_score takes 1 argument (text) but was given 0 arguments");
    expected.forEach(
        (call, message) -> {
          // Raised while the query is analyzed, before any job runs.
          IllegalArgumentException e =
              assertThrows(
                  IllegalArgumentException.class,
                  () -> spark.sql("SELECT " + call + " FROM docs"),
                  call);
          assertEquals(message, e.getMessage());
        });
  }

  @Test
  void nonStringArgumentsAreCast() {
    Row r = spark.sql("SELECT corral_language(42), corral_language(CAST(NULL AS STRING))").first();
    assertTrue(r.get(0) instanceof String, "42 is read as the text '42'");
    assertNull(r.get(1));
  }

  @Test
  void functionsAreDescribed() {
    String usage =
        spark.sql("DESCRIBE FUNCTION EXTENDED corral_language").collectAsList().toString();
    assertTrue(usage.contains("corral_language(text) - Returns the language code"), usage);
    assertTrue(usage.contains("Arguments:"), usage);
    String score = spark.sql("DESCRIBE FUNCTION corral_language_score").collectAsList().toString();
    assertTrue(score.contains("corral_language_score(text) - Returns the probability"), score);
  }

  @Test
  void deltasExtensionIsInjectedBesideOurs() {
    // Delta's SQL parser wraps Spark's only when its extension, listed before ours, was applied
    // too.
    assertEquals(
        "io.delta.sql.parser.DeltaSqlParser",
        spark.sessionState().sqlParser().getClass().getName());
    assertTrue(spark.catalog().functionExists("corral_language"));
    assertTrue(spark.catalog().functionExists("corral_language_score"));
  }

  @Test
  void resolvedConfListsEveryKey() {
    spark.conf().set(CorralConf.LANGID_MIN_SCORE.key(), "0.7");
    Map<String, Object> resolved = CorralConf.resolved(spark);
    assertEquals(0.7, resolved.get("spark.corral.langid.minScore"));
    assertEquals(LanguageIdentifier.BUNDLED_MODEL, resolved.get("spark.corral.langid.model"));
    assertEquals(CorralConf.entries().size(), resolved.size());
  }

  private static String messages(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      out.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
    }
    return out.toString();
  }
}
