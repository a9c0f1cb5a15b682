package dev.corral.curation.decontam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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

/**
 * Planted 13-gram overlaps (verbatim, across a line break, in other case and punctuation), 12-word
 * overlaps that must not count, per-benchmark counts, and the stage's contract.
 */
class ContaminationTest {
  // A benchmark answer of 20 words and a question of 16; a 13-word span of either contaminates.
  static final String ANSWER =
      "The mitochondrion is the organelle that produces most of the chemical energy needed to power"
          + " the cell and its reactions";
  static final String QUESTION =
      "Which river flows through the capital of Hungary and continues south towards the Black Sea"
          + " coast";
  static final String FILLER =
      "Farmers along the valley grow wheat and barley, and sell them at the weekly market.";

  private static final StructType DOCS =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("text", DataTypes.StringType, true)
          .add("drop_reason", DataTypes.StringType, true);

  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path benchmarks;

  @BeforeAll
  static void start() throws Exception {
    spark = TestSpark.start("ContaminationTest", Map.of());
    benchmarks = tmp.resolve("benchmarks.jsonl");
    Files.writeString(
        benchmarks,
        String.join(
            "\n",
            "{\"benchmark\": \"sciq\", \"text\": \"" + ANSWER + "\"}",
            "{\"benchmark\": \"sciq\", \"text\": \"Too short to ever match.\"}",
            "{\"benchmark\": \"geoqa\", \"text\": \"" + QUESTION + "\"}",
            "{\"benchmark\": \"geoqa\", \"text\": null}",
            ""));
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  /** The first {@code count} words of {@code text} from word {@code from}, space separated. */
  static String span(String text, int from, int count) {
    return String.join(" ", List.of(text.split(" ")).subList(from, from + count));
  }

  private static Map<Integer, Row> run(Contamination stage, Map<Integer, String[]> docs) {
    List<Row> rows = new ArrayList<>();
    docs.forEach((id, d) -> rows.add(RowFactory.create(id, d[0], d[1])));
    Map<Integer, Row> out = new HashMap<>();
    Dataset<Row> annotated = stage.transform(spark.createDataFrame(rows, DOCS).repartition(2));
    for (Row r : annotated.collectAsList()) {
      out.put(r.getInt(r.fieldIndex("id")), r);
    }
    return out;
  }

  private static Map<Integer, String[]> plantedDocs() {
    Map<Integer, String[]> docs = new HashMap<>();
    docs.put(0, new String[] {FILLER + " " + FILLER, null});
    // 13 words of the answer, verbatim, inside other text.
    docs.put(1, new String[] {FILLER + " " + span(ANSWER, 3, 13) + ". " + FILLER, null});
    // The same 13 words split across a line break, upper-cased, with punctuation between them.
    String shouted = span(ANSWER, 3, 7).toUpperCase() + ",\n  \"" + span(ANSWER, 10, 6) + "\"!";
    docs.put(2, new String[] {FILLER + "\n" + shouted + "\n" + FILLER, null});
    // Only 12 words of the answer, and 12 of the question: no 13-gram in common.
    docs.put(
        3,
        new String[] {
          span(ANSWER, 0, 12) + ". " + FILLER + " " + span(QUESTION, 4, 12) + ".", null
        });
    // Both benchmarks, the question across a Windows line break.
    docs.put(
        4,
        new String[] {
          span(ANSWER, 7, 13) + "\r\n" + span(QUESTION, 0, 6) + "\r\n" + span(QUESTION, 6, 10), null
        });
    docs.put(5, new String[] {null, null});
    // Already dropped by an earlier stage: the reason stays, the annotation is still made.
    docs.put(6, new String[] {ANSWER, "low_quality"});
    return docs;
  }

  @Test
  void findsPlantedOverlapsAcrossLineBreaksCaseAndPunctuation() {
    Contamination stage = new Contamination().setBenchmarks(benchmarks.toString());
    Map<Integer, Row> out = run(stage, plantedDocs());

    assertEquals(List.of(), out.get(0).getList(out.get(0).fieldIndex("contaminated_by")));
    assertEquals(0, out.get(0).<Integer>getAs("contaminated_ngrams"));
    assertNull(out.get(0).getAs("drop_reason"));

    assertEquals(List.of("sciq"), out.get(1).getList(out.get(1).fieldIndex("contaminated_by")));
    assertEquals(1, out.get(1).<Integer>getAs("contaminated_ngrams"));
    assertEquals("contaminated", out.get(1).getAs("drop_reason"));

    assertEquals(List.of("sciq"), out.get(2).getList(out.get(2).fieldIndex("contaminated_by")));
    assertEquals(1, out.get(2).<Integer>getAs("contaminated_ngrams"));
    assertEquals("contaminated", out.get(2).getAs("drop_reason"));

    assertEquals(List.of(), out.get(3).getList(out.get(3).fieldIndex("contaminated_by")));
    assertNull(out.get(3).getAs("drop_reason"));

    assertEquals(
        List.of("geoqa", "sciq"), out.get(4).getList(out.get(4).fieldIndex("contaminated_by")));
    assertEquals(1 + 4, out.get(4).<Integer>getAs("contaminated_ngrams")); // 13 and 16 words
    assertEquals("contaminated", out.get(4).getAs("drop_reason"));

    assertTrue(out.get(5).isNullAt(out.get(5).fieldIndex("contaminated_by")));
    assertNull(out.get(5).getAs("drop_reason"));

    assertEquals("low_quality", out.get(6).getAs("drop_reason"));
    assertEquals(20 - 13 + 1, out.get(6).<Integer>getAs("contaminated_ngrams"));
  }

  @Test
  void countsDocumentsAndNgramsPerBenchmark() {
    Contamination stage = new Contamination().setBenchmarks(benchmarks.toString());
    List<Row> rows = new ArrayList<>();
    plantedDocs().forEach((id, d) -> rows.add(RowFactory.create(id, d[0], d[1])));
    Dataset<Row> annotated = stage.transform(spark.createDataFrame(rows, DOCS));
    assertEquals(Map.of("sciq", 4L, "geoqa", 1L), stage.documentsPerBenchmark(annotated));

    Map<String, Object> summary = stage.benchmarkSummary();
    assertEquals(13, summary.get("n"));
    assertEquals((20 - 13 + 1) + (16 - 13 + 1), summary.get("ngrams"));
    assertEquals(
        Map.of(
            "sciq", Map.of("texts", 2L, "texts_shorter_than_n", 1L, "ngrams", 8L),
            "geoqa", Map.of("texts", 1L, "texts_shorter_than_n", 0L, "ngrams", 4L)),
        summary.get("per_benchmark"));
  }

  @Test
  void aShorterNgramFindsTheTwelveWordOverlap() {
    Contamination stage = new Contamination().setBenchmarks(benchmarks.toString()).setN(12);
    Row r = run(stage, plantedDocs()).get(3);
    assertEquals(List.of("geoqa", "sciq"), r.getList(r.fieldIndex("contaminated_by")));
  }

  @Test
  void readsSeveralTextColumnsOfParquet() throws Exception {
    Path parquet = tmp.resolve("qa.parquet");
    spark
        .createDataFrame(
            List.of(RowFactory.create("sciq", "What does the mitochondrion do?", ANSWER)),
            new StructType()
                .add("task", DataTypes.StringType)
                .add("prompt", DataTypes.StringType)
                .add("answer", DataTypes.StringType))
        .write()
        .parquet(parquet.toString());
    Contamination stage =
        new Contamination()
            .setBenchmarks(parquet.toString())
            .setBenchmarkCol("task")
            .setBenchmarkTextCols("prompt", "answer");
    Map<Integer, Row> out = run(stage, plantedDocs());
    assertEquals("contaminated", out.get(2).getAs("drop_reason"));
    assertNull(out.get(3).getAs("drop_reason"));
  }

  @Test
  void refusesBenchmarkTablesItCannotUse() throws Exception {
    Contamination noColumn =
        new Contamination().setBenchmarks(benchmarks.toString()).setBenchmarkCol("task");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> run(noColumn, plantedDocs()));
    assertTrue(e.getMessage().contains("task"), e.getMessage());

    Path shortTexts = tmp.resolve("short.jsonl");
    Files.writeString(shortTexts, "{\"benchmark\": \"x\", \"text\": \"two words\"}\n");
    CorralException tooShort =
        assertThrows(
            CorralException.class,
            () -> run(new Contamination().setBenchmarks(shortTexts.toString()), plantedDocs()));
    assertTrue(tooShort.getMessage().contains("short.jsonl"), tooShort.getMessage());

    assertThrows(
        CorralException.class,
        () -> new Contamination().transformSchema(spark.createDataFrame(List.of(), DOCS).schema()));
  }

  @Test
  void keepsTheSparkMlContract() throws Exception {
    Contamination stage = new Contamination().setBenchmarks(benchmarks.toString()).setN(8);
    SparkMlContract.checkParams(stage);
    Path saved = tmp.resolve("pipeline");
    new Pipeline()
        .setStages(new PipelineStage[] {stage})
        .fit(spark.createDataFrame(List.of(), DOCS))
        .write()
        .overwrite()
        .save(saved.toString());
    Contamination loaded = (Contamination) PipelineModel.load(saved.toString()).stages()[0];
    assertEquals(8, loaded.getN());
    assertEquals(benchmarks.toString(), loaded.getBenchmarks());
  }

  @Test
  void wordsIgnoreCasePunctuationAndLineBreaks() {
    assertEquals(
        List.of("the", "quick", "brown", "fox", "2024", "élan", "naïve"),
        WordNgrams.words("The Quick-brown\nfox! (2024) ÉLAN,\r\nnaïve"));
    assertArrayEquals(WordNgrams.of("a b c d", 2), WordNgrams.of("A, b.\nC -- d!", 2));
    assertEquals(0, WordNgrams.of("a b c", 4).length);
  }
}
