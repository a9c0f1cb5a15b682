package dev.corral.curation.ccnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corral.core.CorralException;
import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

class PerplexityBucketsTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("language", DataTypes.StringType, true)
          .add("perplexity", DataTypes.DoubleType, true);

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("PerplexityBucketsTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  /** English perplexities 1..100 and German 1001..1100, plus rows that cannot be placed. */
  private static Dataset<Row> data() {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      rows.add(RowFactory.create(i, "en", (double) i));
      rows.add(RowFactory.create(1000 + i, "de", 1000.0 + i));
    }
    rows.add(RowFactory.create(-1, "en", null));
    rows.add(RowFactory.create(-2, null, 5.0));
    rows.add(RowFactory.create(-3, "xx", 5.0));
    rows.add(RowFactory.create(-4, "en", -1.0));
    return spark.createDataFrame(rows, SCHEMA).repartition(3);
  }

  private static Map<Integer, String> buckets(Dataset<Row> out) {
    Map<Integer, String> m = new HashMap<>();
    for (Row r : out.collectAsList()) {
      m.put(r.getInt(0), r.getAs("bucket"));
    }
    return m;
  }

  @Test
  void estimatesPerLanguageCutoffsOnTheData() {
    Dataset<Row> in = data();
    // Fitted without the "xx" row, so that "xx" is a language without cutoffs.
    PerplexityBucketsModel model = new PerplexityBuckets().fit(in.where("id != -3"));
    assertArrayEquals(new String[] {"de", "en"}, model.getLanguages());
    assertArrayEquals(new double[] {30, 60}, model.cutoffs("en"));
    assertArrayEquals(new double[] {1030, 1060}, model.cutoffs("de"));
    assertNull(model.cutoffs("xx"));
    Map<Integer, String> b = buckets(model.transform(in));
    assertEquals("head", b.get(29));
    assertEquals("middle", b.get(30));
    assertEquals("middle", b.get(59));
    assertEquals("tail", b.get(60));
    assertEquals("head", b.get(1001));
    assertEquals("tail", b.get(1100));
    for (int id : new int[] {-1, -2, -3, -4}) {
      assertEquals("all", b.get(id), "row " + id);
    }
    long head = b.values().stream().filter("head"::equals).count();
    assertEquals(58, head, "29 per language below the 30th percentile");
  }

  @Test
  void readsCcnetsCutoffCsv() throws Exception {
    Path csv = tmp.resolve("cutoff.csv");
    Files.copy(PerplexityBucketsTest.class.getResourceAsStream("/ccnet/cutoff.csv"), csv);
    PerplexityBucketsModel model =
        new PerplexityBuckets().setCutoffsCsv(csv.toString()).fit(data());
    assertArrayEquals(new String[] {"de", "en", "fr"}, model.getLanguages());
    assertArrayEquals(new double[] {400, 600}, model.cutoffs("en"));
    Map<Integer, String> b = buckets(model.transform(data()));
    assertEquals("head", b.get(100), "every English row is below 400");
    assertEquals("tail", b.get(1001), "German above 300");

    PerplexityBucketsModel other =
        new PerplexityBuckets()
            .setCutoffsCsv(csv.toString())
            .setPercentileHead(0)
            .setPercentileTail(100)
            .fit(data());
    assertArrayEquals(new double[] {0, 9000}, other.cutoffs("en"));
    assertThrows(
        CorralException.class,
        () ->
            new PerplexityBuckets().setCutoffsCsv(csv.toString()).setPercentileHead(10).fit(data()),
        "no row for percentile 10");
  }

  @Test
  void checksParamsAndColumns() {
    assertThrows(
        IllegalArgumentException.class, () -> new PerplexityBuckets().setPercentileHead(101));
    assertThrows(
        CorralException.class, () -> new PerplexityBuckets().setPercentileHead(70).fit(data()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PerplexityBucketsModel()
                .transformSchema(
                    new StructType()
                        .add("language", DataTypes.StringType)
                        .add("perplexity", DataTypes.StringType)));
    assertThrows(
        CorralException.class,
        () ->
            new PerplexityBucketsModel().setLanguages(new String[] {"en"}).transformSchema(SCHEMA));
  }

  @Test
  void keepsTheSparkMlContract() {
    SparkMlContract.checkParams(new PerplexityBuckets());
    SparkMlContract.checkParams(
        new PerplexityBuckets().setCutoffsCsv("x.csv").setPercentileTail(70));
    SparkMlContract.checkParams(new PerplexityBucketsModel());
    PerplexityBucketsModel model = new PerplexityBuckets().fit(data());
    SparkMlContract.checkParams(model);
    PerplexityBucketsModel loaded =
        SparkMlContract.checkReadWrite(model, tmp.resolve("model").toString());
    assertArrayEquals(model.cutoffs("de"), loaded.cutoffs("de"));
    SparkMlContract.checkReadWrite(
        new PerplexityBuckets().setAccuracy(100), tmp.resolve("est").toString());
  }
}
