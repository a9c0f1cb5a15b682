package dev.corral.curation.ccnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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

class LineDeduplicatorTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("g", DataTypes.StringType, true)
          .add("raw_content", DataTypes.StringType, true)
          .add("drop_reason", DataTypes.StringType, true);

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("LineDeduplicatorTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static String text(String... lines) {
    return String.join("\n", lines);
  }

  /**
   * Hand-made documents: boilerplate across documents, repeats inside one, a dropped and a null
   * document.
   */
  private static List<Row> docs() {
    List<Row> rows = new ArrayList<>();
    rows.add(
        RowFactory.create(
            0,
            "a",
            text("Shared header", "Unique zero", "Repeat in doc", "Repeat in doc", "Footer 2019"),
            null));
    rows.add(
        RowFactory.create(
            1,
            "b",
            text("  shared HEADER ", "Unique one 😀", "repeat in doc", "Footer 2020"),
            null));
    rows.add(RowFactory.create(2, "a", text("Shared header", "Footer 1999"), null));
    rows.add(RowFactory.create(3, "b", text("Only here", "Only here!", "Only here", "", ""), null));
    rows.add(RowFactory.create(4, "a", text("Unique zero"), "earlier"));
    rows.add(RowFactory.create(5, "b", null, null));
    return rows;
  }

  private static Map<Integer, Row> byId(Dataset<Row> out) {
    Map<Integer, Row> m = new HashMap<>();
    for (Row r : out.collectAsList()) {
      m.put(r.getInt(r.fieldIndex("id")), r);
    }
    return m;
  }

  private static int[] ids(Row r) {
    return r.getList(r.fieldIndex("line_ids")).stream().mapToInt(o -> (Integer) o).toArray();
  }

  @Test
  void removesLinesSeenInTwoDocumentsEverywhereAndRepeatsWithinADocument() {
    Dataset<Row> in = spark.createDataFrame(docs(), SCHEMA).repartition(3);
    Dataset<Row> out = new LineDeduplicator().transform(in);
    assertArrayEquals(
        new String[] {
          "id",
          "g",
          "raw_content",
          "drop_reason",
          "nlines",
          "length",
          "original_nlines",
          "original_length",
          "line_ids"
        },
        out.columns());
    assertEquals(new LineDeduplicator().transformSchema(in.schema()), out.schema());
    Map<Integer, Row> r = byId(out);
    assertEquals(6, r.size(), "no row is dropped");

    // Header, footer (digits normalized) and the in-doc repeat that also occurs in doc 1: gone,
    // first included.
    assertEquals("Unique zero", r.get(0).getAs("raw_content"));
    assertArrayEquals(new int[] {1}, ids(r.get(0)));
    assertEquals(1, (int) r.get(0).getAs("nlines"));
    assertEquals(5, (int) r.get(0).getAs("original_nlines"));
    assertEquals(
        text("Shared header", "Unique zero", "Repeat in doc", "Repeat in doc", "Footer 2019")
            .length(),
        (int) r.get(0).getAs("original_length"));
    assertNull(r.get(0).getAs("drop_reason"));

    assertEquals("Unique one 😀", r.get(1).getAs("raw_content"));
    assertEquals(12, (int) r.get(1).getAs("length"), "Python len counts the emoji once");

    assertEquals("", r.get(2).getAs("raw_content"));
    assertEquals(0, (int) r.get(2).getAs("nlines"));
    assertArrayEquals(new int[0], ids(r.get(2)));
    assertEquals(LineDeduplicator.DUPLICATE_LINES, r.get(2).getAs("drop_reason"));

    // Repeated only inside one document: the first occurrence stays, as in CCNet. "Only here!"
    // normalizes apart.
    assertEquals(text("Only here", "Only here!", ""), r.get(3).getAs("raw_content"));
    assertArrayEquals(new int[] {0, 1, 3}, ids(r.get(3)));

    // A dropped document neither counts nor loses its reason; "Unique zero" stays in doc 0.
    assertEquals("Unique zero", r.get(4).getAs("raw_content"));
    assertEquals("earlier", r.get(4).getAs("drop_reason"));

    assertNull(r.get(5).getAs("raw_content"));
    assertNull(r.get(5).getAs("nlines"));
    assertNull(r.get(5).getAs("line_ids"));
    assertNull(r.get(5).getAs("drop_reason"));
  }

  @Test
  void countsOccurrencesOnlyWithinAGroup() {
    Dataset<Row> in = spark.createDataFrame(docs(), SCHEMA).repartition(2);
    Map<Integer, Row> r =
        byId(new LineDeduplicator().setGroupCol("g").setOutputCol("text").transform(in));
    // Group a: docs 0 and 2 share the header and the footer; "Repeat in doc" is only in doc 0.
    assertEquals(text("Unique zero", "Repeat in doc"), r.get(0).getAs("text"));
    assertEquals(
        r.get(0).getAs("raw_content"),
        docs().get(0).getString(2),
        "outputCol keeps the original text");
    assertEquals(LineDeduplicator.DUPLICATE_LINES, r.get(2).getAs("drop_reason"));
    // Group b: nothing of doc 1 occurs in doc 3.
    assertEquals(
        text("shared HEADER", "Unique one 😀", "repeat in doc", "Footer 2020")
            .replace("shared", "  shared")
            .replace("HEADER", "HEADER "),
        r.get(1).getAs("text"));
  }

  @Test
  void originalSizesComeFromTheReadersColumns() {
    StructType schema =
        new StructType()
            .add("raw_content", DataTypes.StringType)
            .add("nlines", DataTypes.IntegerType)
            .add("length", DataTypes.IntegerType);
    List<Row> rows =
        List.of(
            RowFactory.create(text("x", "y"), 2, 999), RowFactory.create(text("x", "z"), 2, 998));
    Dataset<Row> out = new LineDeduplicator().transform(spark.createDataFrame(rows, schema));
    assertArrayEquals(
        new String[] {
          "raw_content",
          "nlines",
          "length",
          "original_nlines",
          "original_length",
          "line_ids",
          "drop_reason"
        },
        out.columns());
    Row first = out.orderBy("original_length").collectAsList().get(1);
    assertEquals("y", first.getAs("raw_content"));
    assertEquals(1, (int) first.getAs("nlines"));
    assertEquals(1, (int) first.getAs("length"));
    assertEquals(999, (int) first.getAs("original_length"), "CCNet takes the WET Content-Length");
  }

  @Test
  void checksItsColumnContract() {
    LineDeduplicator stage = new LineDeduplicator();
    StructType schema = new StructType().add("raw_content", DataTypes.StringType);
    assertThrows(
        IllegalArgumentException.class,
        () -> stage.transformSchema(new StructType().add("raw_content", DataTypes.IntegerType)));
    assertThrows(
        IllegalArgumentException.class,
        () -> stage.transformSchema(schema.add("line_ids", DataTypes.StringType)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            stage
                .copy(new org.apache.spark.ml.param.ParamMap())
                .setGroupCol("missing")
                .transformSchema(schema));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LineDeduplicator().setOutputCol("nlines").transformSchema(schema));
  }

  /**
   * cc_net's own dedup run on 240 documents (resources ccnet/line-dedup, made by make-golden.sh):
   * the default mode equals mine.py's two passes, {@code one_pass} equals {@code
   * dedup.deduplicate}; a document cc_net drops is the one Corral marks {@code duplicate_lines}.
   * Three partitions in input order, so one pass's "first copy" spans partitions.
   */
  @Test
  void equalsCcnetsOwnDedupInBothModes() throws Exception {
    ObjectMapper json = new ObjectMapper();
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("raw_content", DataTypes.StringType, true);
    List<Row> rows = new ArrayList<>();
    for (String line : golden("docs.jsonl")) {
      JsonNode doc = json.readTree(line);
      rows.add(RowFactory.create(doc.get("id").asInt(), doc.get("raw_content").asText()));
    }
    JavaRDD<Row> ordered = new JavaSparkContext(spark.sparkContext()).parallelize(rows, 3);
    Dataset<Row> in = spark.createDataFrame(ordered, schema);
    for (String[] mode :
        new String[][] {
          {LineDeduplicator.TWO_PASS, "two-pass.jsonl"},
          {LineDeduplicator.ONE_PASS, "one-pass.jsonl"}
        }) {
      Map<Integer, Row> out = byId(new LineDeduplicator().setMode(mode[0]).transform(in));
      Map<Integer, JsonNode> expected = new HashMap<>();
      for (String line : golden(mode[1])) {
        JsonNode doc = json.readTree(line);
        expected.put(doc.get("id").asInt(), doc);
      }
      int kept = 0;
      for (Row row : rows) {
        int id = row.getInt(0);
        Row got = out.get(id);
        JsonNode want = expected.get(id);
        if (want == null) {
          assertEquals(
              LineDeduplicator.DUPLICATE_LINES, got.getAs("drop_reason"), mode[0] + " doc " + id);
          continue;
        }
        kept++;
        assertNull(got.getAs("drop_reason"), mode[0] + " doc " + id);
        assertEquals(
            want.get("raw_content").asText(), got.getAs("raw_content"), mode[0] + " " + id);
        assertEquals(want.get("nlines").asInt(), (int) got.getAs("nlines"), mode[0] + " " + id);
        int[] lineIds = new int[want.get("line_ids").size()];
        for (int i = 0; i < lineIds.length; i++) {
          lineIds[i] = want.get("line_ids").get(i).asInt();
        }
        assertArrayEquals(lineIds, ids(got), mode[0] + " doc " + id);
      }
      assertEquals(expected.size(), kept, mode[0]);
    }
  }

  @Test
  void onePassKeepsTheFirstOfTwoIdenticalDocuments() {
    List<Row> rows =
        List.of(
            RowFactory.create(0, "a", text("Same", "page"), null),
            RowFactory.create(1, "a", text("Same", "page"), null),
            RowFactory.create(2, "a", text("Same", "page", "new"), "earlier"));
    Dataset<Row> in =
        spark.createDataFrame(
            new JavaSparkContext(spark.sparkContext()).parallelize(rows, 2), SCHEMA);
    Map<Integer, Row> one = byId(new LineDeduplicator().setMode("one_pass").transform(in));
    assertEquals(text("Same", "page"), one.get(0).getAs("raw_content"));
    assertEquals("", one.get(1).getAs("raw_content"));
    assertEquals(LineDeduplicator.DUPLICATE_LINES, one.get(1).getAs("drop_reason"));
    assertEquals(
        "new", one.get(2).getAs("raw_content"), "a dropped document is never a first copy");
    Map<Integer, Row> two = byId(new LineDeduplicator().transform(in));
    assertEquals(LineDeduplicator.DUPLICATE_LINES, two.get(0).getAs("drop_reason"));
    assertEquals(LineDeduplicator.DUPLICATE_LINES, two.get(1).getAs("drop_reason"));
    assertThrows(IllegalArgumentException.class, () -> new LineDeduplicator().setMode("first"));
  }

  private static List<String> golden(String name) throws Exception {
    try (var in = LineDeduplicatorTest.class.getResourceAsStream("/ccnet/line-dedup/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .toList();
    }
  }

  @Test
  void keepsTheSparkMlContract() {
    SparkMlContract.checkParams(new LineDeduplicator());
    SparkMlContract.checkParams(new LineDeduplicator().setGroupCol("g").setOutputCol("text"));
    LineDeduplicator loaded =
        SparkMlContract.checkReadWrite(
            new LineDeduplicator().setGroupCol("shard"), tmp.resolve("dedup").toString());
    assertEquals("shard", loaded.getGroupCol());
    assertEquals(
        "one_pass",
        SparkMlContract.checkReadWrite(
                new LineDeduplicator().setMode("one_pass"), tmp.resolve("d1").toString())
            .getMode());
    assertNull(
        SparkMlContract.checkReadWrite(new LineDeduplicator(), tmp.resolve("d2").toString())
            .getGroupCol());
  }
}
