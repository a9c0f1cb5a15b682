package dev.corral.curation.langid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.Prediction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageIdentifierTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("udhr", DataTypes.StringType, true)
          .add("text", DataTypes.StringType, true);

  private static SparkSession spark;
  private static FastTextModel model;
  private static List<Row> udhr;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    spark = TestSpark.start("LanguageIdentifierTest", Map.of());
    model = FastTextModel.load(TestSpark.lidModel());
    List<String> lines =
        Files.readAllLines(
            TestSpark.sharedDir().resolve("data/udhr-dev.tsv"), StandardCharsets.UTF_8);
    udhr = new ArrayList<>();
    // Every 25th paragraph: a few hundred rows over most of the languages in the file.
    for (int i = 0; i < lines.size(); i += 25) {
      String[] f = lines.get(i).split("\t", 3);
      udhr.add(RowFactory.create(udhr.size(), f[1], f[2]));
    }
    // Multi-line documents, joined by each kind of line break CCNet's preprocessing removes.
    String a = lines.get(0).split("\t", 3)[2];
    String b = lines.get(1).split("\t", 3)[2];
    for (String sep : List.of("\n", "\r\n", "\r", "\n\n")) {
      udhr.add(RowFactory.create(udhr.size(), "multi", a + sep + b));
    }
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static Dataset<Row> udhrFrame() {
    return spark.createDataFrame(udhr, SCHEMA).repartition(6);
  }

  private static Map<Integer, Row> byId(Dataset<Row> rows) {
    Map<Integer, Row> out = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      out.put(r.getInt(r.fieldIndex("id")), r);
    }
    return out;
  }

  @Test
  void keepsTheSparkMlParamsContract() {
    SparkMlContract.checkParams(new LanguageIdentifier());
    SparkMlContract.checkParams(
        new LanguageIdentifier().setTopK(3).setMinScore(0.8).setInputCol("body"));
  }

  @Test
  void savesAndLoadsItsParams() {
    LanguageIdentifier stage =
        new LanguageIdentifier()
            .setInputCol("body")
            .setTopK(2)
            .setMinScore(0.65)
            .setOutputCol("lang");
    LanguageIdentifier loaded =
        SparkMlContract.checkReadWrite(stage, tmp.resolve("langid").toString());
    assertEquals("body", loaded.getInputCol());
    assertEquals(0.65, loaded.getMinScore());
    assertEquals(2, loaded.getTopK());
    assertEquals(LanguageIdentifier.BUNDLED_MODEL, loaded.getModelPath());
    SparkMlContract.checkReadWrite(new LanguageIdentifier(), tmp.resolve("defaults").toString());
  }

  @Test
  void copyWithExtraParamsOverridesOnlyThose() {
    LanguageIdentifier stage = new LanguageIdentifier().setTopK(2);
    LanguageIdentifier copy = stage.copy(new ParamMap().put(stage.minScore().w(0.9)));
    assertEquals(0.9, copy.getMinScore());
    assertEquals(2, copy.getTopK());
    assertEquals(LanguageIdentifier.DEFAULT_MIN_SCORE, stage.getMinScore());
  }

  @Test
  void rejectsParamValuesOutOfRange() {
    LanguageIdentifier stage = new LanguageIdentifier();
    assertThrows(IllegalArgumentException.class, () -> stage.setMinScore(1.5));
    assertThrows(IllegalArgumentException.class, () -> stage.setMinScore(-0.1));
    assertThrows(IllegalArgumentException.class, () -> stage.setTopK(-1));
    assertThrows(IllegalArgumentException.class, () -> stage.setInputCol(" "));
    assertThrows(IllegalArgumentException.class, () -> stage.setModelPath(""));
  }

  @Test
  void matchesFastTextOnUdhrParagraphs() {
    int k = 3;
    LanguageIdentifier stage = new LanguageIdentifier().setTopK(k);
    Map<Integer, Row> out = byId(stage.transform(udhrFrame()));
    assertEquals(udhr.size(), out.size(), "rows must not be dropped");
    assertTrue(udhr.size() > 400, "a few hundred paragraphs");
    Set<String> labels = new HashSet<>();
    for (int i = 0; i < model.labelCount(); i++) {
      labels.add(model.label(i));
    }
    int eligible = 0;
    int agree = 0;
    for (Row in : udhr) {
      Row r = out.get(in.getInt(0));
      String text = in.getString(2).replace('\n', ' ').replace('\r', ' ');
      List<Prediction> expected = model.predict(text, k, 0f);
      Prediction best = expected.get(0);
      String where = "row " + in.getInt(0) + " (" + in.getString(1) + ")";
      String language = best.probability() < 0.5 ? "unknown" : best.bareLabel();
      assertEquals(language, r.getAs("language"), where);
      assertEquals(best.probability(), (float) r.getAs("language_score"), 0f, where);
      List<Row> top = r.getList(r.fieldIndex("language_topk"));
      assertEquals(expected.size(), top.size(), where);
      for (int i = 0; i < top.size(); i++) {
        assertEquals(expected.get(i).bareLabel(), top.get(i).getString(0), where);
        assertEquals(expected.get(i).probability(), top.get(i).getFloat(1), 0f, where);
      }
      if (labels.contains("__label__" + in.getString(1))) {
        eligible++;
        agree += in.getString(1).equals(r.getAs("language")) ? 1 : 0;
      }
    }
    // Sanity on top of the oracle: where the page's html lang is a lid.176 label, most short
    // paragraphs agree.
    assertTrue(
        eligible > 50 && agree * 2 > eligible,
        "lid agrees with html lang on " + agree + "/" + eligible);
  }

  @Test
  void replacesLineBreaksBySpaces() {
    Map<Integer, Row> out =
        byId(new LanguageIdentifier().transform(udhrFrame().filter("udhr = 'multi'")));
    assertEquals(4, out.size());
    float first = -1;
    for (Row r : out.values()) {
      // "\n", "\r\n", "\r" and "\n\n" all become whitespace runs, which fastText reads alike.
      float score = r.getAs("language_score");
      if (first < 0) {
        first = score;
      }
      assertEquals(first, score, 0f);
    }
  }

  @Test
  void nullEmptyAndBlankTexts() {
    List<Row> rows =
        List.of(
            RowFactory.create(0, "x", null),
            RowFactory.create(1, "x", ""),
            RowFactory.create(2, "x", "   "),
            RowFactory.create(3, "x", "\n\r\t \f"),
            RowFactory.create(4, "x", "The quick brown fox jumps over the lazy dog."));
    Map<Integer, Row> out =
        byId(new LanguageIdentifier().setTopK(2).transform(spark.createDataFrame(rows, SCHEMA)));
    assertEquals(5, out.size(), "rows must not be dropped");
    Row nul = out.get(0);
    assertNull(nul.getAs("language"));
    assertNull(nul.getAs("language_score"));
    assertNull(nul.getAs("language_topk"));
    for (int id = 1; id <= 3; id++) {
      Row r = out.get(id);
      assertEquals("unknown", r.getAs("language"), "row " + id);
      assertEquals(0f, (float) r.getAs("language_score"), "row " + id);
      assertTrue(r.getList(r.fieldIndex("language_topk")).isEmpty(), "row " + id);
    }
    assertEquals("en", out.get(4).getAs("language"));
  }

  @Test
  void belowMinScoreIsUnknownWithTheScoreKept() {
    double min = 0.9;
    Map<Integer, Row> out = byId(new LanguageIdentifier().setMinScore(min).transform(udhrFrame()));
    int unknown = 0;
    int known = 0;
    for (Row in : udhr) {
      Row r = out.get(in.getInt(0));
      Prediction best =
          model.predict(in.getString(2).replace('\n', ' ').replace('\r', ' '), 1, 0f).get(0);
      float score = r.getAs("language_score");
      assertEquals(best.probability(), score, 0f);
      if (score < min) {
        assertEquals("unknown", r.getAs("language"));
        unknown++;
      } else {
        assertEquals(best.bareLabel(), r.getAs("language"));
        known++;
      }
    }
    assertTrue(
        unknown > 0 && known > 0,
        "both sides of the threshold are exercised: " + unknown + "/" + known);
  }

  @Test
  void outputSchemaMatchesTransformSchema() {
    Dataset<Row> in = udhrFrame();
    for (int k : new int[] {0, 2}) {
      LanguageIdentifier stage =
          new LanguageIdentifier().setTopK(k).setOutputCol("lang").setScoreCol("lang_p");
      StructType expected = stage.transformSchema(in.schema());
      Dataset<Row> out = stage.transform(in);
      assertEquals(expected, out.schema());
      assertEquals(k == 0 ? 5 : 6, out.columns().length);
      assertEquals(DataTypes.FloatType, out.schema().apply("lang_p").dataType());
    }
    assertEquals(
        DataTypes.createArrayType(LanguageIdentifier.TOPK_ELEMENT, false),
        new LanguageIdentifier()
            .setTopK(1)
            .transformSchema(in.schema())
            .apply("language_topk")
            .dataType());
  }

  @Test
  void columnNamesWithDotsWork() {
    Dataset<Row> in = udhrFrame().withColumnRenamed("text", "doc.text");
    Dataset<Row> out =
        new LanguageIdentifier().setInputCol("doc.text").setOutputCol("doc.lang").transform(in);
    assertEquals(udhr.size(), out.filter(out.col("`doc.lang`").isNotNull()).count());
  }

  @Test
  void schemaErrorsNameTheColumn() {
    Dataset<Row> in = udhrFrame();
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LanguageIdentifier().setInputCol("body").transform(in));
    assertTrue(missing.getMessage().contains("'body' does not exist"), missing.getMessage());
    IllegalArgumentException notString =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LanguageIdentifier().setInputCol("id").transformSchema(in.schema()));
    assertTrue(
        notString.getMessage().contains("'id' must be of type string but is int"),
        notString.getMessage());
    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LanguageIdentifier().setOutputCol("udhr").transformSchema(in.schema()));
    assertTrue(exists.getMessage().contains("'udhr' already exists"), exists.getMessage());
    IllegalArgumentException topK =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LanguageIdentifier()
                    .setTopK(1)
                    .setTopKCol("udhr")
                    .transformSchema(in.schema()));
    assertTrue(topK.getMessage().contains("'udhr'"), topK.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LanguageIdentifier().setScoreCol("language").transformSchema(in.schema()));
    assertTrue(
        twice.getMessage().contains("'language' is named by two output params"),
        twice.getMessage());
    // With topK = 0 no top-k column is added, so its name may exist already.
    new LanguageIdentifier().setTopKCol("udhr").transformSchema(in.schema());
  }

  @Test
  void modelRunsOncePerRowInTheOptimizedPlan() {
    Dataset<Row> out = new LanguageIdentifier().setTopK(2).transform(udhrFrame());
    assertEquals(1, countUdfCalls(out), out.queryExecution().optimizedPlan().toString());
    Dataset<Row> filtered =
        out.filter("language = 'en'").select("id", "language", "language_score");
    filtered.count();
    assertEquals(1, countUdfCalls(filtered), filtered.queryExecution().optimizedPlan().toString());
  }

  private static int countUdfCalls(Dataset<Row> ds) {
    String plan = ds.queryExecution().optimizedPlan().toString();
    return plan.split("corral_language\\(", -1).length - 1;
  }

  @Test
  void rowFunctionSerializesWithoutTheModel() throws Exception {
    LanguageIdentifier.LanguageFunction f =
        new LanguageIdentifier.LanguageFunction(LanguageIdentifier.BUNDLED_MODEL, 0.5, 3);
    assertEquals(
        "en",
        f.call(
                "Everyone has the right to life, liberty and security of person."
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .getString(0));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(f);
    }
    // The model is about a megabyte; the function must carry only its URI and params.
    assertTrue(bytes.size() < 1024, "serialized row function is " + bytes.size() + " bytes");
  }

  @Test
  void worksInsideAPipelineThatIsSavedAndLoaded() throws IOException {
    LanguageIdentifier langid = new LanguageIdentifier().setTopK(1);
    SQLTransformer flag =
        new SQLTransformer().setStatement("SELECT *, language = 'en' AS is_english FROM __THIS__");
    PipelineModel fitted =
        new Pipeline().setStages(new PipelineStage[] {langid, flag}).fit(udhrFrame());
    String path = tmp.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(LanguageIdentifier.class, loaded.stages()[0].getClass());
    assertEquals(1, ((LanguageIdentifier) loaded.stages()[0]).getTopK());
    Map<Integer, Row> before = byId(fitted.transform(udhrFrame()));
    Map<Integer, Row> after = byId(loaded.transform(udhrFrame()));
    assertEquals(before, after);
    assertEquals(udhr.size(), after.size());
    Row any = after.values().iterator().next();
    assertArrayEquals(
        new String[] {
          "id", "udhr", "text", "language", "language_score", "language_topk", "is_english"
        },
        any.schema().fieldNames());
    // A Pipeline checks column contracts before any data moves.
    Pipeline broken =
        new Pipeline()
            .setStages(new PipelineStage[] {new LanguageIdentifier().setInputCol("nope")});
    assertThrows(IllegalArgumentException.class, () -> broken.fit(udhrFrame()));
  }
}
