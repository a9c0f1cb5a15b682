package dev.corral.curation.classify;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.fasttext.FastTextModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
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

/** Training a fastText classifier from a Spark table, on the driver and on an executor. */
class FastTextTrainerTest {
  static SparkSession spark;
  static Dataset<Row> train;
  static Dataset<Row> test;
  static final List<String> labels =
      List.of("deu_1996", "nld", "pol", "swe", "por_BR", "fri", "afr", "xho");

  @TempDir Path tmp;

  @BeforeAll
  static void data() throws Exception {
    spark = TestSpark.start("FastTextTrainerTest", Map.of());
    StructType schema =
        new StructType().add("label", DataTypes.StringType).add("text", DataTypes.StringType);
    List<Row> trainRows = new ArrayList<>();
    List<Row> testRows = new ArrayList<>();
    List<String> lines =
        Files.readAllLines(
            Path.of(System.getProperty("corral.shared.dir"), "data/udhr-dev.tsv"),
            StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split("\t");
      if (!labels.contains(f[0])) {
        continue;
      }
      (i % 5 == 0 ? testRows : trainRows).add(RowFactory.create(f[0], f[2]));
    }
    trainRows.add(RowFactory.create(null, "a row without a label is skipped"));
    train =
        spark
            .createDataFrame(trainRows, schema)
            .orderBy(org.apache.spark.sql.functions.rand(7))
            .cache();
    test = spark.createDataFrame(testRows, schema).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private FastTextTrainer trainer(Path model) {
    return new FastTextTrainer()
        .setModelPath(model.toString())
        .setDim(16)
        .setEpoch(25)
        .setLr(1.0)
        .setMinn(2)
        .setMaxn(4)
        .setBucket(20_000)
        .setThreads(2);
  }

  private static double accuracy(FastTextClassifier classifier) {
    Dataset<Row> out = classifier.transform(test);
    return (double) out.filter(col("prediction").equalTo(col("label"))).count() / out.count();
  }

  @Test
  void trainsOnTheDriverAndWritesAModelFastTextReads() throws Exception {
    Path bin = tmp.resolve("lang.bin");
    FastTextClassifier classifier = trainer(bin).fit(train);
    assertTrue(accuracy(classifier) > 0.9, "accuracy " + accuracy(classifier));
    FastTextModel model = FastTextModel.load(bin);
    assertEquals(8, model.labelCount());
    Row row = classifier.setTopK(3).transform(test.limit(1)).first();
    assertEquals(3, row.getList(row.fieldIndex("prediction_topk")).size());
  }

  @Test
  void trainsOnOneExecutor() {
    Path bin = tmp.resolve("executor.bin");
    FastTextClassifier classifier = trainer(bin).setTrainOn("executor").fit(train);
    assertTrue(Files.exists(bin));
    assertTrue(accuracy(classifier) > 0.9);
  }

  @Test
  void refittingToTheSamePathServesTheNewModel() {
    Path bin = tmp.resolve("same.bin");
    FastTextClassifier first = trainer(bin).fit(train);
    assertTrue(labels.contains(first.transform(test).first().<String>getAs("prediction")));
    Dataset<Row> relabelled =
        train.withColumn(
            "label",
            org.apache.spark.sql.functions.concat(
                col("label"), org.apache.spark.sql.functions.lit("_v2")));
    FastTextClassifier second = trainer(bin).fit(relabelled);
    // The first model is cached in this JVM; the second, written to the same file, must not be
    // served from it.
    assertTrue(second.transform(test).first().<String>getAs("prediction").endsWith("_v2"));
  }

  @Test
  void nullTextGivesNullsAndThePipelineSavesAndLoads() throws Exception {
    Path bin = tmp.resolve("pipe.bin");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {trainer(bin)}).fit(train);
    fitted.write().overwrite().save(tmp.resolve("pipeline").toString());
    PipelineModel loaded = PipelineModel.load(tmp.resolve("pipeline").toString());
    StructType schema =
        new StructType().add("label", DataTypes.StringType).add("text", DataTypes.StringType);
    Dataset<Row> nulls = spark.createDataFrame(List.of(RowFactory.create("x", null)), schema);
    Row r = loaded.transform(nulls).first();
    assertNull(r.getAs("prediction"));
    assertNull(r.getAs("probability"));
    assertEquals(
        accuracy((FastTextClassifier) fitted.stages()[0]),
        accuracy((FastTextClassifier) loaded.stages()[0]));
  }

  @Test
  void contracts() {
    SparkMlContract.checkParams(new FastTextTrainer().setModelPath("/tmp/m.bin"));
    SparkMlContract.checkParams(new FastTextClassifier().setModelPath("/tmp/m.bin"));
    SparkMlContract.checkReadWrite(
        new FastTextTrainer().setModelPath("/tmp/m.bin").setEpoch(3),
        tmp.resolve("trainer").toString());
    SparkMlContract.checkReadWrite(
        new FastTextClassifier().setModelPath("/tmp/m.bin").setTopK(2),
        tmp.resolve("classifier").toString());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FastTextTrainer().setModelPath("/tmp/m").setLabelCol("nope").fit(train));
    assertTrue(e.getMessage().contains("'nope' does not exist"), e.getMessage());
  }
}
