package dev.corral.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.pipeline.PipelineConfig;
import dev.corral.core.testing.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MinHash stages as Spark ML estimators: the search runs in {@code fit} once, the model's
 * {@code transform} is a join that may run any number of times, the model saves and loads with its
 * cluster table, YAML pipelines fit it, and ids that are not unique stop {@code fit} before the
 * join could multiply rows.
 */
class DedupModelTest {
  private static final StructType DOCS =
      new StructType()
          .add("id", DataTypes.LongType, true)
          .add("text", DataTypes.StringType, true)
          .add("quality_score", DataTypes.DoubleType, true)
          .add("drop_reason", DataTypes.StringType, true);

  private static SparkSession spark;
  private static List<String> paragraphs;
  private static Dataset<Row> docs;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    spark = TestSpark.start("DedupModelTest", Map.of());
    paragraphs = new ArrayList<>();
    for (String line :
        Files.readAllLines(
            TestSpark.sharedDir().resolve("data/udhr-dev.tsv"), StandardCharsets.UTF_8)) {
      String text = line.split("\t", 3)[2];
      if (text.split(" ").length >= 30) {
        paragraphs.add(text);
      }
    }
    // 80 pages of 2 random UDHR paragraphs; 10 of them get a copy with about 1% of the words
    // replaced, and one
    // page was dropped by an earlier stage.
    SplittableRandom random = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 80; i++) {
      String page =
          paragraphs.get(random.nextInt(paragraphs.size()))
              + "\n"
              + paragraphs.get(random.nextInt(paragraphs.size()));
      rows.add(RowFactory.create(i, page, random.nextDouble(), i == 7 ? "too_short" : null));
    }
    for (int i = 0; i < 10; i++) {
      Row original = rows.get(i * 8);
      String[] words = original.getString(1).split(" ");
      for (int w = 0; w < words.length; w++) {
        if (random.nextDouble() < 0.01) {
          words[w] = "w" + random.nextInt(1_000_000);
        }
      }
      rows.add(RowFactory.create(100L + i, String.join(" ", words), random.nextDouble(), null));
    }
    docs = spark.createDataFrame(rows, DOCS).repartition(3).cache();
    docs.count();
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  @Test
  void aPipelineSearchesInFitOnlyAndItsTransformsSearchNothing() throws TimeoutException {
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new MinHashDeduplicator().setQualityCol("quality_score"),
                  new SQLTransformer()
                      .setStatement("SELECT * FROM __THIS__ WHERE drop_reason IS NULL")
                });
    SignedDocuments signed = SignedDocuments.listen();
    try {
      PipelineModel fitted = pipeline.fit(docs);
      // Every document that takes part (all but the dropped one) is signed once: one search, in
      // fit.
      assertEquals(docs.count() - 1, signed.total());
      DedupModel model = assertInstanceOf(DedupModel.class, fitted.stages()[0]);
      assertTrue(model.stats().pairs() >= 10, "pairs: " + model.stats().pairs());

      List<Row> first = sorted(fitted.transform(docs));
      List<Row> second = sorted(fitted.transform(docs));
      model.transform(docs).count();
      // Were the search run again, eagerly or through the lineage of a lazy table, its tasks would
      // sign again.
      assertEquals(docs.count() - 1, signed.total());
      assertEquals(first, second);
      // The 10 planted copies are the cluster table's documents not kept; they and the earlier drop
      // are filtered.
      assertEquals(10, model.clusters().where("id <> kept_id").count());
      assertEquals(docs.count() - 1 - 10, first.size());
    } finally {
      spark.sparkContext().removeSparkListener(signed);
    }
  }

  @Test
  void aSavedModelTransformsExactlyAsTheFittedOne() throws IOException {
    // String ids take the row-number path through the search, and their type must survive Parquet.
    Dataset<Row> named =
        docs.withColumn("name", functions.concat(functions.lit("doc-"), docs.col("id")));
    DedupModel fitted =
        new MinHashDeduplicator().setIdCol("name").setQualityCol("quality_score").fit(named);
    assertTrue(fitted.hasPairs());
    fitted.write().save(tmp.resolve("model").toString());
    DedupModel loaded = DedupModel.load(tmp.resolve("model").toString());

    assertEquals(fitted.stats(), loaded.stats());
    assertEquals(sorted(fitted.clusters()), sorted(loaded.clusters()));
    Dataset<Row> before = fitted.transform(named);
    Dataset<Row> after = loaded.transform(named);
    assertEquals(before.schema(), after.schema());
    List<Row> expected = sorted(before);
    assertEquals(expected, sorted(after));
    assertTrue(
        expected.stream().filter(r -> "near_duplicate".equals(r.getAs("drop_reason"))).count()
            >= 10);
    assertFalse(loaded.hasPairs());
    assertTrue(
        assertThrows(CorralException.class, loaded::pairs).getMessage().contains("not saved"));

    // A model without clusters keeps its (empty) table's schema through Parquet.
    Dataset<Row> alone = named.where("id < 10");
    DedupModel empty = new MinHashDeduplicator().setIdCol("name").fit(alone);
    assertEquals(0, empty.clusters().count());
    empty.write().save(tmp.resolve("empty").toString());
    assertEquals(
        sorted(empty.transform(alone)),
        sorted(DedupModel.load(tmp.resolve("empty").toString()).transform(alone)));
  }

  @Test
  void aYamlPipelineFitsTheEstimatorAndSavesTheModel() throws IOException {
    Path yaml = tmp.resolve("near-dedup.yaml");
    Files.writeString(
        yaml,
        "name: near-dedup\nstages:\n  - stage: MinHashDeduplicator\n"
            + "    params: {threshold: 0.8, qualityCol: quality_score, seed: 7}\n");
    Pipeline pipeline = PipelineConfig.read(yaml).toPipeline();
    assertEquals(7L, ((MinHashDeduplicator) pipeline.getStages()[0]).getSeed());
    PipelineModel fitted = pipeline.fit(docs);
    DedupModel model = assertInstanceOf(DedupModel.class, fitted.stages()[0]);
    assertEquals("quality_score", model.getQualityCol());

    List<Row> expected =
        sorted(
            new MinHashDeduplicator()
                .setQualityCol("quality_score")
                .setSeed(7)
                .fit(docs)
                .transform(docs));
    assertEquals(expected, sorted(fitted.transform(docs)));
    fitted.write().save(tmp.resolve("pipeline").toString());
    assertEquals(
        expected, sorted(PipelineModel.load(tmp.resolve("pipeline").toString()).transform(docs)));
  }

  @Test
  void repeatedIdsStopFitWithOneLineNamingThem() {
    String page = paragraphs.get(0) + "\n" + paragraphs.get(1);
    // Unchecked, id 1 would be in the cluster table twice and its two rows would come out four
    // times: 7 rows.
    Dataset<Row> five =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1L, page, null, null),
                RowFactory.create(1L, page + " again", null, null),
                RowFactory.create(2L, page, null, null),
                RowFactory.create(3L, paragraphs.get(2), null, null),
                RowFactory.create(4L, paragraphs.get(3), null, null)),
            DOCS);
    CorralException e =
        assertThrows(CorralException.class, () -> new MinHashDeduplicator().fit(five));
    assertTrue(
        e.getMessage()
            .endsWith("column 'id' must name each document once but repeats ids: 1 (2 rows)"),
        e.getMessage());

    // At most 3 ids, the most repeated first, each on the message's one line.
    StructType named =
        new StructType().add("name", DataTypes.StringType).add("text", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (String name : List.of("x", "x", "x", "a\nb", "a\nb", "c", "c", "d", "d", "e")) {
      rows.add(RowFactory.create(name, paragraphs.get(rows.size())));
    }
    e =
        assertThrows(
            CorralException.class,
            () -> new BookDeduplicator().setIdCol("name").fit(spark.createDataFrame(rows, named)));
    assertTrue(
        e.getMessage()
            .endsWith(
                "column 'name' must name each document once but repeats ids: "
                    + "x (3 rows), a b (2 rows), c (2 rows)"),
        e.getMessage());

    // Null ids are not repeats: they take no part, and every row comes out once.
    Dataset<Row> nulls =
        spark.createDataFrame(
            List.of(
                RowFactory.create(null, page, null, null),
                RowFactory.create(null, page, null, null),
                RowFactory.create(2L, page, null, null)),
            DOCS);
    assertEquals(3, new MinHashDeduplicator().fit(nulls).transform(nulls).count());
  }

  @Test
  void theModelKeepsTheColumnContractAndItsCopyTakesNewNames() {
    MinHashDeduplicator estimator = new MinHashDeduplicator();
    DedupModel model = estimator.fit(docs);
    assertEquals(estimator.transformSchema(docs.schema()), model.transformSchema(docs.schema()));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> model.transform(docs.drop("id")))
            .getMessage()
            .contains("column 'id' does not exist"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> model.transform(docs.withColumn("id", docs.col("id").cast("string"))))
            .getMessage()
            .contains("column 'id' is string but the model was fitted on bigint ids"));
    Dataset<Row> annotated = model.transform(docs);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> model.transform(annotated))
            .getMessage()
            .contains("'duplicate_of' already exists"));

    DedupModel renamed = model.copy(new ParamMap().put(model.clusterCol(), "cluster"));
    assertEquals("dedup_cluster", model.getClusterCol());
    List<Row> expected = annotated.orderBy("id").select("id", "dedup_cluster").collectAsList();
    assertEquals(
        expected, renamed.transform(docs).orderBy("id").select("id", "cluster").collectAsList());
  }

  /** Rows in one order, so that two transforms compare as lists. */
  private static List<Row> sorted(Dataset<Row> data) {
    List<Row> rows = new ArrayList<>(data.collectAsList());
    rows.sort((a, b) -> Arrays.toString(rowValues(a)).compareTo(Arrays.toString(rowValues(b))));
    return rows;
  }

  private static Object[] rowValues(Row row) {
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    return values;
  }

  /**
   * Counts the documents the MinHash search signs, as its {@code corral.dedup.documents}
   * accumulator reports them in every finished task: whatever runs the search (a call, or the
   * lineage of a table built on it) adds to it.
   */
  private static final class SignedDocuments extends SparkListener {
    private final AtomicLong documents = new AtomicLong();

    static SignedDocuments listen() throws TimeoutException {
      waitForEvents(); // events of earlier tests must not reach this listener
      SignedDocuments listener = new SignedDocuments();
      spark.sparkContext().addSparkListener(listener);
      return listener;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      scala.collection.Iterator<AccumulableInfo> it = end.taskInfo().accumulables().iterator();
      while (it.hasNext()) {
        AccumulableInfo info = it.next();
        if (info.name().isDefined()
            && info.name().get().equals("corral.dedup.documents")
            && info.update().isDefined()) {
          documents.addAndGet(((Number) info.update().get()).longValue());
        }
      }
    }

    /**
     * The documents signed so far, once every event of the jobs run so far has reached the
     * listener.
     */
    long total() throws TimeoutException {
      waitForEvents();
      return documents.get();
    }

    // Listener events arrive asynchronously; Spark's own tests wait for the bus the same way (the
    // bus is
    // private[spark] in Scala but public to Java).
    private static void waitForEvents() throws TimeoutException {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    }
  }
}
