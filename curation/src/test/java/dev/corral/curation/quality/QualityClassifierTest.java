package dev.corral.curation.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.classify.FastTextTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

/**
 * The reference-page classifier: scores, the low_quality threshold, and composition with other
 * filters.
 */
class QualityClassifierTest {
  static SparkSession spark;
  static String model;
  static final StructType DOCS =
      new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
  static final String REFERENCE =
      "Everyone has the right to education. Education shall be free, at least in the "
          + "elementary and fundamental stages, and shall be directed to the full development of the human personality.";
  static final String SPAM =
      "click here buy now cheap cheap best price casino bonus click here win win now";

  @BeforeAll
  static void trainModel(@TempDir Path dir) throws Exception {
    spark = TestSpark.start("QualityClassifierTest", Map.of());
    // Reference-like pages: UDHR paragraphs; random pages: keyword spam from a fixed vocabulary.
    List<Row> rows = new ArrayList<>();
    List<String> udhr =
        Files.readAllLines(
            Path.of(System.getProperty("corral.shared.dir"), "data/udhr-dev.tsv"),
            StandardCharsets.UTF_8);
    String[] spam = {
      "click",
      "here",
      "buy",
      "now",
      "cheap",
      "price",
      "casino",
      "bonus",
      "win",
      "free",
      "deal",
      "offer",
      "best",
      "sale",
      "discount",
      "shop"
    };
    Random random = new Random(3);
    for (int i = 0; i < 600; i++) {
      rows.add(RowFactory.create("wiki", udhr.get(i * 17).split("\t")[2]));
      StringBuilder page = new StringBuilder();
      for (int w = 0; w < 30; w++) {
        page.append(spam[random.nextInt(spam.length)]).append(' ');
      }
      rows.add(RowFactory.create("cc", page.toString()));
    }
    StructType schema =
        new StructType().add("label", DataTypes.StringType).add("text", DataTypes.StringType);
    model = dir.resolve("quality.bin").toString();
    new FastTextTrainer()
        .setModelPath(model)
        .setDim(16)
        .setEpoch(10)
        .setLr(0.5)
        .setWordNgrams(2)
        .setBucket(50_000)
        .fit(spark.createDataFrame(rows, schema).orderBy(org.apache.spark.sql.functions.rand(1)));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private Dataset<Row> docs(String... texts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      rows.add(RowFactory.create(i, texts[i]));
    }
    return spark.createDataFrame(rows, DOCS);
  }

  @Test
  void referenceLikePagesScoreHighAndSpamIsDropped() {
    List<Row> out =
        new QualityClassifier()
            .setModelPath(model)
            .transform(docs(REFERENCE, SPAM, null))
            .orderBy("id")
            .collectAsList();
    assertTrue(out.get(0).<Float>getAs("quality_score") > 0.9f, out.get(0).toString());
    assertNull(out.get(0).getAs("drop_reason"));
    assertTrue(out.get(1).<Float>getAs("quality_score") < 0.1f, out.get(1).toString());
    assertEquals("low_quality", out.get(1).getAs("drop_reason"));
    assertNull(out.get(2).getAs("quality_score"));
    assertNull(out.get(2).getAs("drop_reason"));
  }

  @Test
  void theThresholdDecides() {
    Row scored = new QualityClassifier().setModelPath(model).transform(docs(REFERENCE)).first();
    float score = scored.getAs("quality_score");
    assertNull(
        new QualityClassifier()
            .setModelPath(model)
            .setThreshold(score)
            .transform(docs(REFERENCE))
            .first()
            .getAs("drop_reason"));
    assertEquals(
        "low_quality",
        new QualityClassifier()
            .setModelPath(model)
            .setThreshold(Math.min(1.0, score + 1e-4))
            .transform(docs(REFERENCE))
            .first()
            .getAs("drop_reason"));
  }

  @Test
  void anEarlierReasonIsKept() {
    Dataset<Row> dropped =
        docs(SPAM).withColumn("drop_reason", org.apache.spark.sql.functions.lit("duplicate_lines"));
    Row r = new QualityClassifier().setModelPath(model).transform(dropped).first();
    assertEquals("duplicate_lines", r.getAs("drop_reason"));
    assertTrue(r.<Float>getAs("quality_score") < 0.1f);
  }

  @Test
  void contracts(@TempDir Path dir) {
    QualityClassifier stage = new QualityClassifier().setModelPath(model).setThreshold(0.3);
    SparkMlContract.checkParams(stage);
    SparkMlContract.checkReadWrite(stage, dir.resolve("stage").toString());
    assertEquals(0.25, new QualityClassifier().getThreshold());
  }
}
