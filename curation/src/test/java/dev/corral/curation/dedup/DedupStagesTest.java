package dev.corral.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
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

class DedupStagesTest {
  private static final StructType DOCS =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("text", DataTypes.StringType, true)
          .add("quality_score", DataTypes.DoubleType, true)
          .add("drop_reason", DataTypes.StringType, true);

  private static SparkSession spark;
  private static List<String> paragraphs;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    spark = TestSpark.start("DedupStagesTest", Map.of());
    paragraphs = new ArrayList<>();
    for (String line :
        Files.readAllLines(
            TestSpark.sharedDir().resolve("data/udhr-dev.tsv"), StandardCharsets.UTF_8)) {
      String text = line.split("\t", 3)[2];
      if (text.split(" ").length >= 30) {
        paragraphs.add(text);
      }
    }
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  /**
   * 400 documents of 3 random UDHR paragraphs of 30 words or more; 60 of them get a copy with a
   * share of their words replaced (0.2% to 8%). The ground truth is the brute-force Jaccard of
   * every pair.
   */
  @Test
  void findsEveryPairAboveTheThresholdAndKeepsOnePerCluster() {
    SplittableRandom random = new SplittableRandom(5);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      texts.add(
          String.join(
              "\n",
              paragraphs.get(random.nextInt(paragraphs.size())),
              paragraphs.get(random.nextInt(paragraphs.size())),
              paragraphs.get(random.nextInt(paragraphs.size()))));
    }
    double[] rates = {0.002, 0.005, 0.01, 0.02, 0.04, 0.08};
    for (int i = 0; i < 60; i++) {
      texts.add(edit(texts.get(i * 5), rates[i % rates.length], random));
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create((long) i, texts.get(i), null, null));
    }
    Dataset<Row> docs = spark.createDataFrame(rows, DOCS).repartition(3);

    Set<List<Long>> truth = new HashSet<>();
    long[][] sets = texts.stream().map(t -> Shingles.of(t, 5, false)).toArray(long[][]::new);
    for (int a = 0; a < sets.length; a++) {
      for (int b = a + 1; b < sets.length; b++) {
        if (Jaccard.similarity(sets[a], sets[b]) >= 0.8) {
          truth.add(List.of((long) a, (long) b));
        }
      }
    }
    assertTrue(truth.size() >= 25, "planted pairs above 0.8: " + truth.size());

    MinHashDeduplicator stage = new MinHashDeduplicator();
    DedupModel model = stage.fit(docs);
    Set<List<Long>> found = new HashSet<>();
    for (Row r : model.pairs().collectAsList()) {
      long a = r.getLong(0);
      long b = r.getLong(1);
      assertTrue(a < b);
      assertEquals(Jaccard.similarity(sets[(int) a], sets[(int) b]), r.getDouble(2), 1e-12);
      found.add(List.of(a, b));
    }
    // Verified pairs are exact, so precision is 1; the S-curve at 0.8 gives 95% per pair, more
    // above it.
    assertTrue(truth.containsAll(found), "pairs below the threshold were reported");
    assertTrue(found.size() >= 0.95 * truth.size(), found.size() + " of " + truth.size());
    assertEquals(found.size(), model.stats().pairs());
    assertEquals(texts.size(), model.stats().documents());

    Dataset<Row> annotated = model.transform(docs);
    Map<Long, Row> out = byId(annotated);
    assertEquals(texts.size(), out.size());
    for (List<Long> pair : found) {
      Row a = out.get(pair.get(0));
      Row b = out.get(pair.get(1));
      assertEquals(a.<Long>getAs("dedup_cluster"), b.<Long>getAs("dedup_cluster"));
      long kept = a.<Long>getAs("dedup_cluster");
      assertTrue(kept <= Math.min(pair.get(0), pair.get(1)));
    }
    Map<Long, Integer> sizes = new HashMap<>();
    for (Row r : out.values()) {
      sizes.merge(r.<Long>getAs("dedup_cluster"), 1, Integer::sum);
    }
    for (Row r : out.values()) {
      long id = r.getLong(0);
      long cluster = r.<Long>getAs("dedup_cluster");
      assertEquals((long) sizes.get(cluster), r.<Long>getAs("cluster_size"));
      if (cluster == id) {
        assertNull(r.getAs("duplicate_of"));
        assertNull(r.getAs("drop_reason"));
      } else {
        assertEquals(cluster, r.<Long>getAs("duplicate_of"));
        assertEquals("near_duplicate", r.getAs("drop_reason"));
      }
    }
    assertEquals(
        Arrays.asList(
            "id",
            "text",
            "quality_score",
            "drop_reason",
            "duplicate_of",
            "dedup_cluster",
            "cluster_size"),
        Arrays.asList(annotated.columns()));
  }

  private static String edit(String text, double rate, SplittableRandom random) {
    String[] words = text.split(" ");
    for (int i = 0; i < words.length; i++) {
      if (random.nextDouble() < rate) {
        words[i] = "w" + random.nextInt(1_000_000);
      }
    }
    return String.join(" ", words);
  }

  @Test
  void qualityDecidesWhichCopyIsKeptAndEarlierDropsTakeNoPart() {
    String page = paragraphs.get(0) + "\n" + paragraphs.get(1);
    Dataset<Row> docs =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1L, page, 0.2, null),
                RowFactory.create(2L, page + " extra", 0.9, null),
                RowFactory.create(3L, page, 0.99, "too_short"),
                RowFactory.create(4L, null, null, null),
                RowFactory.create(5L, paragraphs.get(2), 0.5, null)),
            DOCS);
    Map<Long, Row> out =
        byId(new MinHashDeduplicator().setQualityCol("quality_score").fit(docs).transform(docs));
    assertEquals(2L, out.get(1L).<Long>getAs("duplicate_of"));
    assertEquals("near_duplicate", out.get(1L).getAs("drop_reason"));
    assertNull(out.get(2L).getAs("duplicate_of"));
    assertEquals(2L, out.get(2L).<Long>getAs("cluster_size"));
    assertEquals(
        "too_short", out.get(3L).getAs("drop_reason")); // kept its reason, joined no cluster
    assertEquals(1L, out.get(3L).<Long>getAs("cluster_size"));
    assertEquals(4L, out.get(4L).<Long>getAs("dedup_cluster"));
    assertEquals(1L, out.get(5L).<Long>getAs("cluster_size"));
    // Without quality the smallest id stays.
    Map<Long, Row> byIdOnly = byId(new MinHashDeduplicator().fit(docs).transform(docs));
    assertEquals(1L, byIdOnly.get(2L).<Long>getAs("duplicate_of"));
    // String ids take the other path (row numbers on a persisted copy) to the same clusters.
    Dataset<Row> named =
        docs.withColumn("name", functions.concat(functions.lit("doc-"), docs.col("id")));
    List<Row> out2 =
        new MinHashDeduplicator()
            .setIdCol("name")
            .setQualityCol("quality_score")
            .fit(named)
            .transform(named)
            .orderBy("id")
            .select("duplicate_of", "dedup_cluster", "cluster_size", "drop_reason")
            .collectAsList();
    assertEquals(RowFactory.create("doc-2", "doc-2", 2L, "near_duplicate"), out2.get(0));
    assertEquals(RowFactory.create(null, "doc-2", 2L, null), out2.get(1));
    assertEquals(RowFactory.create(null, "doc-3", 1L, "too_short"), out2.get(2));
  }

  @Test
  void aHugeBucketIsCappedLinearlyAndStillOneCluster() {
    List<Row> rows = new ArrayList<>();
    String boilerplate = paragraphs.get(3);
    for (long i = 0; i < 500; i++) {
      rows.add(RowFactory.create(i, boilerplate, null, null));
    }
    rows.add(RowFactory.create(1000L, paragraphs.get(4), null, null));
    Dataset<Row> docs = spark.createDataFrame(rows, DOCS).repartition(4);
    MinHashDeduplicator stage =
        new MinHashDeduplicator().setMaxBucketSize(20).setBands(4).setRows(8);
    DedupModel model = stage.fit(docs);
    // Every band holds one bucket of 500: 20 sampled members paired (190 pairs), 480 linked to one
    // of them.
    assertEquals(4, model.stats().cappedBuckets());
    assertEquals(4 * 480, model.stats().cappedMembers());
    assertTrue(
        model.stats().candidatePairs() <= 4 * (190 + 480),
        "pairs: " + model.stats().candidatePairs());
    Map<Long, Row> out = byId(model.transform(docs));
    for (long i = 0; i < 500; i++) {
      assertEquals(0L, out.get(i).<Long>getAs("dedup_cluster"));
      assertEquals(500L, out.get(i).<Long>getAs("cluster_size"));
    }
    assertEquals(1L, out.get(1000L).<Long>getAs("cluster_size"));
  }

  @Test
  void withoutVerificationBucketsAreLinkedAsStars() {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 30; i++) {
      rows.add(RowFactory.create(i, paragraphs.get(7), null, null));
    }
    Dataset<Row> docs = spark.createDataFrame(rows, DOCS);
    DedupModel model = new MinHashDeduplicator().setVerify(false).fit(docs);
    assertEquals(29, model.stats().candidatePairs());
    assertEquals(new LshBands(9, 13), new MinHashDeduplicator().setVerify(false).getLshBands());
    assertNull(model.pairs().first().get(2));
    assertEquals(29, model.transform(docs).where("drop_reason = 'near_duplicate'").count());
  }

  @Test
  void exactDedupNormalizesDocumentsButNotCode() {
    Dataset<Row> docs =
        spark.createDataFrame(
            List.of(
                RowFactory.create(7L, "Hello, World! 2024", 0.1, null),
                RowFactory.create(3L, "hello world 1999", 0.5, null),
                RowFactory.create(5L, "hello   world 2024", null, null),
                RowFactory.create(9L, "something else", null, null),
                RowFactory.create(11L, null, null, null),
                RowFactory.create(12L, "hello world 2024", null, "bad")),
            DOCS);
    Map<Long, Row> normalized = byId(new ExactDeduplicator().transform(docs));
    assertEquals(3L, normalized.get(7L).<Long>getAs("duplicate_of"));
    assertEquals(3L, normalized.get(5L).<Long>getAs("duplicate_of"));
    assertEquals("exact_duplicate", normalized.get(5L).getAs("drop_reason"));
    assertEquals(3L, normalized.get(3L).<Long>getAs("cluster_size"));
    assertNull(normalized.get(3L).getAs("duplicate_of"));
    assertEquals(1L, normalized.get(9L).<Long>getAs("cluster_size"));
    assertEquals(1L, normalized.get(11L).<Long>getAs("cluster_size"));
    assertEquals("bad", normalized.get(12L).getAs("drop_reason"));
    assertEquals(12L, normalized.get(12L).<Long>getAs("dedup_cluster"));

    Map<Long, Row> exact =
        byId(
            new ExactDeduplicator()
                .setNormalize(false)
                .setQualityCol("quality_score")
                .transform(docs));
    assertEquals(1L, exact.get(7L).<Long>getAs("cluster_size"));
    assertEquals(1L, exact.get(5L).<Long>getAs("cluster_size"));
    Map<Long, Row> quality =
        byId(new ExactDeduplicator().setQualityCol("quality_score").transform(docs));
    assertEquals(3L, quality.get(7L).<Long>getAs("duplicate_of")); // 0.5 beats 0.1 and null
  }

  @Test
  void booksContainedInAnotherAreRemoved() {
    SplittableRandom random = new SplittableRandom(3);
    List<String> chapters = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      chapters.add(paragraphs.get(random.nextInt(paragraphs.size())));
    }
    String full = String.join("\n", chapters);
    String abridged =
        String.join("\n", chapters.subList(0, 37)); // inside the full book, ~92% of the text
    String partial =
        String.join("\n", chapters.subList(0, 30))
            + "\n"
            + String.join("\n", paragraphs.subList(500, 510)); // 75% of it is in the full book
    Dataset<Row> books =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1L, abridged, null, null),
                RowFactory.create(2L, full, null, null),
                RowFactory.create(3L, partial, null, null)),
            DOCS);
    Map<Long, Row> out = byId(new BookDeduplicator().fit(books).transform(books));
    assertEquals(2L, out.get(1L).<Long>getAs("duplicate_of"));
    assertEquals("book_overlap", out.get(1L).getAs("drop_reason"));
    assertNull(out.get(2L).getAs("drop_reason")); // the longest stays, though its id is larger
    assertNull(out.get(3L).getAs("drop_reason"));
    assertEquals(1L, out.get(3L).<Long>getAs("cluster_size"));
  }

  @Test
  void badColumnsAreRefusedBeforeAnyWork() {
    Dataset<Row> docs =
        spark.createDataFrame(List.of(RowFactory.create(1L, "x", null, null)), DOCS);
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new MinHashDeduplicator().setIdCol("url").fit(docs))
            .getMessage()
            .contains("'url' does not exist"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new ExactDeduplicator().setQualityCol("text").transform(docs))
            .getMessage()
            .contains("must be numeric"));
    assertTrue(
        assertThrows(
                CorralException.class,
                () -> new MinHashDeduplicator().setBands(20).setRows(10).getLshBands())
            .getMessage()
            .contains("numPerm"));
    Dataset<Row> annotated = new ExactDeduplicator().transform(docs);
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> new ExactDeduplicator().transform(annotated))
            .getMessage()
            .contains("already exists"));
  }

  @Test
  void keepsTheSparkMlContract() {
    SparkMlContract.checkParams(new MinHashDeduplicator());
    SparkMlContract.checkParams(new BookDeduplicator());
    SparkMlContract.checkParams(new ExactDeduplicator());
    MinHashDeduplicator loaded =
        SparkMlContract.checkReadWrite(
            new MinHashDeduplicator().setThreshold(0.7).setBands(10).setRows(5).setIdCol("url"),
            tmp.resolve("m").toString());
    assertEquals(new LshBands(10, 5), loaded.getLshBands());
    SparkMlContract.checkReadWrite(
        new BookDeduplicator().setCandidateThreshold(0.4), tmp.resolve("b").toString());
    SparkMlContract.checkReadWrite(
        new ExactDeduplicator().setNormalize(false), tmp.resolve("e").toString());

    // The fitted models: children of their estimators, carrying their column params, saved and
    // loaded.
    String page = paragraphs.get(0) + "\n" + paragraphs.get(1);
    Dataset<Row> docs =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1L, page, 0.5, null),
                RowFactory.create(2L, page + " extra", 0.9, null),
                RowFactory.create(3L, paragraphs.get(2), 0.1, null)),
            DOCS);
    MinHashDeduplicator minhash =
        new MinHashDeduplicator().setQualityCol("quality_score").setClusterCol("cluster");
    DedupModel model = minhash.fit(docs);
    SparkMlContract.checkFitted(minhash, model);
    assertEquals(MinHashDeduplicator.NEAR_DUPLICATE, model.getReason());
    SparkMlContract.checkReadWrite(model, tmp.resolve("mm").toString());
    BookDeduplicator book = new BookDeduplicator().setDuplicateOfCol("inside");
    DedupModel bookModel = book.fit(docs);
    SparkMlContract.checkFitted(book, bookModel);
    assertEquals(BookDeduplicator.BOOK_OVERLAP, bookModel.getReason());
    SparkMlContract.checkReadWrite(bookModel, tmp.resolve("bm").toString());
  }

  private static Map<Long, Row> byId(Dataset<Row> data) {
    Map<Long, Row> out = new HashMap<>();
    for (Row r : data.collectAsList()) {
      out.put(r.getLong(0), r);
    }
    return out;
  }
}
