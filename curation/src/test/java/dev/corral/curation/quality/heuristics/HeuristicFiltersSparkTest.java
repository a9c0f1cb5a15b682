package dev.corral.curation.quality.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
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

/**
 * The three filters as Spark ML stages: contract, columns, composition in a Pipeline, null text.
 */
class HeuristicFiltersSparkTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("text", DataTypes.StringType, true);

  private static SparkSession spark;
  private static Map<Integer, String> docs;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("HeuristicFiltersSparkTest", Map.of());
    docs = new HashMap<>();
    // Plain prose: enough words, sentences and lines for C4 and Gopher, and no repetition.
    String good =
        String.join(
                "\n",
                "The river rises in the northern hills and runs south for about two hundred kilometres.",
                "Along its banks, farmers grow wheat, barley and vegetables that they sell in nearby towns.",
                "In spring the water is high, and the old stone bridge at the village is sometimes closed.",
                "Fishermen say that trout have become rare, though nobody agrees on the reason for that.",
                "A small museum near the harbour tells the story of the boats that used to carry timber.",
                "Visitors often walk the path beside the water, stopping at a cafe with a view of the mill.",
                "Local schools take children there each year to learn how the valley was shaped by ice.",
                "Most people who live here have never seen the sea, which is still many days away.")
            + "\n";
    docs.put(0, good);
    docs.put(1, null);
    docs.put(2, "Too short. But it ends well.");
    docs.put(3, good + "Lorem ipsum dolor sit amet, consectetur.\n");
    docs.put(4, Docs.repeat("The same line again and again, with the water.\n", 12));
    docs.put(5, "");
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static Dataset<Row> frame() {
    List<Row> rows = new ArrayList<>();
    docs.forEach((id, text) -> rows.add(RowFactory.create(id, text)));
    return spark.createDataFrame(rows, SCHEMA).repartition(2);
  }

  private static Map<Integer, Row> byId(Dataset<Row> rows) {
    Map<Integer, Row> out = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      out.put(r.getInt(r.fieldIndex("id")), r);
    }
    return out;
  }

  @Test
  void keepTheSparkMlParamsContract() {
    SparkMlContract.checkParams(new C4Filter());
    SparkMlContract.checkParams(new C4Filter().setMinLineChars(200).setFilterBadWords(false));
    SparkMlContract.checkParams(
        new C4Filter().setFilterUnterminatedLines(false).setFilterPolicyLines(false));
    SparkMlContract.checkParams(new GopherQualityFilter());
    SparkMlContract.checkParams(new GopherQualityFilter().setMinDocWords(10).setMaxHashRatio(0.2));
    SparkMlContract.checkParams(new GopherRepetitionFilter());
    SparkMlContract.checkParams(
        new GopherRepetitionFilter().setTopNGrams("1:0.5,3:0.5").setOutputPrefix("rep_"));
  }

  @Test
  void defaultsAreThePublishedValues() {
    // C4: Raffel et al. 2020 section 2.2 and tensorflow_datasets c4_utils (5 words, 3 sentences,
    // 1000-character words); mC4's line rule off.
    assertEquals(
        new C4Cleaner.Settings(5, 1000, 3, 0, 0, true, true, true, true),
        new C4Filter().settings());
    // Gopher: Rae et al. 2021, appendix A.1.1 (quality) and table A1 (repetition).
    assertEquals(
        new GopherQuality.Thresholds(
            50,
            100_000,
            3.0,
            10.0,
            0.1,
            0.1,
            0.9,
            0.3,
            0.8,
            2,
            "\u2022\u2023\u2043\u204c\u204d\u2219\u25cb\u25cf\u25d8\u25e6\u29be\u29bf-*"),
        new GopherQualityFilter().thresholds());
    GopherRepetition.Thresholds t = new GopherRepetitionFilter().thresholds();
    assertEquals(
        List.of(0.30, 0.20, 0.30, 0.20),
        List.of(
            t.maxDupLineFrac(),
            t.maxDupLineCharFrac(),
            t.maxDupParaFrac(),
            t.maxDupParaCharFrac()));
    assertEquals("2:0.2,3:0.18,4:0.16", t.top().toString());
    assertEquals("5:0.15,6:0.14,7:0.13,8:0.12,9:0.11,10:0.1", t.dup().toString());
  }

  @Test
  void saveAndLoadTheirParams() {
    C4Filter c4 =
        SparkMlContract.checkReadWrite(
            new C4Filter().setMinSentences(5).setOutputCol("clean"), tmp.resolve("c4").toString());
    assertEquals(5, c4.getMinSentences());
    GopherQualityFilter q =
        SparkMlContract.checkReadWrite(
            new GopherQualityFilter().setMinAlphaWordFrac(0.7), tmp.resolve("quality").toString());
    assertEquals(0.7, q.getMinAlphaWordFrac());
    GopherRepetitionFilter r =
        SparkMlContract.checkReadWrite(
            new GopherRepetitionFilter().setDupNGrams("7:0.3,12:0.1"),
            tmp.resolve("repetition").toString());
    assertEquals("7:0.3,12:0.1", r.getDupNGrams());
    SparkMlContract.checkReadWrite(
        new GopherRepetitionFilter(), tmp.resolve("defaults").toString());
  }

  @Test
  void copyWithExtraParamsOverridesOnlyThose() {
    GopherQualityFilter stage = new GopherQualityFilter().setMinDocWords(10);
    GopherQualityFilter copy = stage.copy(new ParamMap().put(stage.maxDocWords().w(500)));
    assertEquals(500, copy.getMaxDocWords());
    assertEquals(10, copy.getMinDocWords());
    assertEquals(100_000, stage.getMaxDocWords());
  }

  @Test
  void rejectParamValuesOutOfRange() {
    assertThrows(
        IllegalArgumentException.class, () -> new GopherQualityFilter().setMaxBulletLineFrac(1.5));
    assertThrows(
        IllegalArgumentException.class, () -> new GopherQualityFilter().setMinStopWords(9));
    assertThrows(
        IllegalArgumentException.class, () -> new GopherRepetitionFilter().setMaxDupLineFrac(-0.1));
    assertThrows(IllegalArgumentException.class, () -> new C4Filter().setMaxWordLength(0));
    assertThrows(IllegalArgumentException.class, () -> new C4Filter().setOutputCol(" "));
  }

  @Test
  void annotateEveryRowAndNameReasons() {
    Dataset<Row> in = frame();
    C4Filter c4 = new C4Filter();
    Dataset<Row> out = c4.transform(in);
    assertEquals(c4.transformSchema(in.schema()), out.schema());
    assertArrayEquals(
        new String[] {
          "id", "text", "c4_text", "c4_lines_kept", "c4_lines_total", "c4_sentences", "drop_reason"
        },
        out.columns());
    Map<Integer, Row> rows = byId(out);
    assertEquals(docs.size(), rows.size(), "rows must not be dropped");
    for (Map.Entry<Integer, String> d : docs.entrySet()) {
      Row r = rows.get(d.getKey());
      if (d.getValue() == null) {
        continue;
      }
      C4Cleaner.Result expected =
          C4Cleaner.clean(d.getValue(), C4Cleaner.DEFAULTS, BadWords.english());
      assertEquals(expected.text(), r.getAs("c4_text"));
      assertEquals(expected.linesKept(), (int) r.getAs("c4_lines_kept"));
      assertEquals(expected.linesTotal(), (int) r.getAs("c4_lines_total"));
      assertEquals(expected.sentences(), (int) r.getAs("c4_sentences"));
      assertEquals(expected.reason(), r.getAs("drop_reason"));
      assertEquals(d.getValue(), r.getAs("text"), "the input column stays untouched");
    }
    assertNull(rows.get(0).getAs("drop_reason"));
    assertEquals("c4_too_few_sentences", rows.get(2).getAs("drop_reason"));
    assertEquals("c4_lorem_ipsum", rows.get(3).getAs("drop_reason"));
  }

  @Test
  void aCustomBadWordsListReplacesTheBundledOne() throws Exception {
    Path list = tmp.resolve("badwords-river.txt");
    Files.writeString(list, "river\n\ntimber\n");
    Map<Integer, Row> custom = byId(new C4Filter().setBadWords(list.toString()).transform(frame()));
    assertEquals(
        "c4_bad_words", custom.get(0).getAs("drop_reason"), "the good page names the river");
    assertEquals(
        "c4_bad_words", custom.get(3).getAs("drop_reason"), "the river comes before lorem ipsum");
    Map<Integer, Row> bundled = byId(new C4Filter().transform(frame()));
    assertNull(bundled.get(0).getAs("drop_reason"));
    Map<Integer, Row> off =
        byId(
            new C4Filter()
                .setBadWords(list.toString())
                .setFilterBadWords(false)
                .transform(frame()));
    assertNull(off.get(0).getAs("drop_reason"));
    CorralException missing =
        assertThrows(
            CorralException.class,
            () ->
                new C4Filter().setBadWords(tmp.resolve("none.txt").toString()).transform(frame()));
    assertTrue(missing.getMessage().contains("none.txt"), missing.getMessage());
    Files.writeString(list, "\n \n");
    CorralException empty =
        assertThrows(
            CorralException.class,
            () -> new C4Filter().setBadWords(list.toString()).transform(frame()));
    assertTrue(empty.getMessage().contains("no entry"), empty.getMessage());
  }

  @Test
  void eachPageIsCheckedAgainstTheListOfItsLanguage() throws Exception {
    Path river = tmp.resolve("fr.txt");
    Files.writeString(river, "river\n");
    Path timber = tmp.resolve("de.txt");
    Files.writeString(timber, "timber\n");
    String good = docs.get(0);
    List<Row> rows =
        List.of(
            RowFactory.create(0, good, "fr"),
            RowFactory.create(1, good, "fr-CA"),
            RowFactory.create(2, good, "de"),
            RowFactory.create(3, good, "nl"),
            RowFactory.create(4, good, null),
            RowFactory.create(5, good + "What the fuck is this.\n", "en"),
            RowFactory.create(6, good + "What the fuck is this.\n", "it"));
    Dataset<Row> pages =
        spark.createDataFrame(rows, SCHEMA.add("lang", DataTypes.StringType, true));
    C4Filter filter =
        new C4Filter()
            .setLanguageCol("lang")
            .setBadWordsByLanguage("fr=" + river, "de=" + timber, "en=" + C4Filter.BUNDLED_ENGLISH);
    Map<Integer, Row> out = byId(filter.transform(pages));
    assertEquals("c4_bad_words", out.get(0).getAs("drop_reason"), "French list: river");
    assertEquals("c4_bad_words", out.get(1).getAs("drop_reason"), "fr-CA falls back to fr");
    assertEquals("c4_bad_words", out.get(2).getAs("drop_reason"), "German list: timber");
    assertNull(out.get(3).getAs("drop_reason"), "no Dutch list: no bad words");
    assertNull(out.get(4).getAs("drop_reason"), "no language: no bad words");
    assertEquals("c4_bad_words", out.get(5).getAs("drop_reason"), "the bundled English list");
    assertNull(out.get(6).getAs("drop_reason"), "English words on an Italian page");

    CorralException malformed =
        assertThrows(
            CorralException.class,
            () ->
                new C4Filter().setLanguageCol("lang").setBadWordsByLanguage("fr").transform(pages));
    assertTrue(malformed.getMessage().contains("badWordsByLanguage"), malformed.getMessage());
    IllegalArgumentException noColumn = // schema errors are Spark ML's IllegalArgumentException
        assertThrows(
            IllegalArgumentException.class,
            () -> new C4Filter().setBadWordsByLanguage("fr=" + river).transform(pages));
    assertTrue(noColumn.getMessage().contains("language"), noColumn.getMessage());
  }

  @Test
  void nullTextGivesNullAnnotationsAndNoReason() {
    Pipeline all =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new GopherQualityFilter(), new GopherRepetitionFilter(), new C4Filter()
                });
    Row r = byId(all.fit(frame()).transform(frame())).get(1);
    for (String name : r.schema().fieldNames()) {
      if (!name.equals("id")) {
        assertNull(r.getAs(name), name);
      }
    }
  }

  @Test
  void theFirstStageThatRejectsNamesTheReason() {
    Dataset<Row> in = frame();
    // Document 2 is too short for Gopher and has too few sentences for C4; 4 is repetitive for both
    // stages.
    Map<Integer, Row> gopherFirst =
        byId(
            new Pipeline()
                .setStages(
                    new PipelineStage[] {
                      new GopherQualityFilter(), new GopherRepetitionFilter(), new C4Filter()
                    })
                .fit(in)
                .transform(in));
    assertEquals("gopher_short_doc", gopherFirst.get(2).getAs("drop_reason"));
    assertEquals("dup_line_frac", gopherFirst.get(4).getAs("drop_reason"));
    assertEquals("gopher_short_doc", gopherFirst.get(5).getAs("drop_reason"));
    assertNull(gopherFirst.get(0).getAs("drop_reason"));
    Map<Integer, Row> c4First =
        byId(
            new Pipeline()
                .setStages(
                    new PipelineStage[] {
                      new C4Filter(), new GopherRepetitionFilter(), new GopherQualityFilter()
                    })
                .fit(in)
                .transform(in));
    assertEquals("c4_too_few_sentences", c4First.get(2).getAs("drop_reason"));
    assertEquals("c4_too_few_sentences", c4First.get(5).getAs("drop_reason"));
    // Later stages still annotate a rejected row.
    assertEquals(6, (int) c4First.get(2).getAs("gopher_word_count"));
    assertEquals(1.0 - 1.0 / 12, (double) c4First.get(4).getAs("gopher_dup_line_frac"), 1e-12);
    // A reason already in the input is kept; the stage only fills nulls.
    Dataset<Row> marked =
        in.selectExpr("id", "text", "IF(id = 0, 'earlier', CAST(NULL AS STRING)) AS drop_reason");
    Map<Integer, Row> kept = byId(new GopherQualityFilter().transform(marked));
    assertEquals("earlier", kept.get(0).getAs("drop_reason"));
    assertEquals("gopher_short_doc", kept.get(2).getAs("drop_reason"));
    String[] columns = new GopherQualityFilter().transform(marked).columns();
    assertArrayEquals(
        new String[] {"id", "text", "drop_reason"},
        java.util.Arrays.copyOf(columns, 3),
        "drop_reason keeps its place");
    // Kept: 3 (prose), 4 (repetitive, which is not this stage's business) and 1, whose null text no
    // rule judges.
    List<Integer> ids =
        new GopherQualityFilter()
            .transform(marked)
            .filter("drop_reason IS NULL")
            .select("id")
            .as(org.apache.spark.sql.Encoders.INT())
            .collectAsList();
    assertEquals(List.of(1, 3, 4), ids.stream().sorted().toList());
  }

  @Test
  void aPipelineOfFiltersSavesAndLoads() throws IOException {
    PipelineModel fitted =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new C4Filter().setMinSentences(2),
                  new GopherQualityFilter().setInputCol("c4_text").setOutputPrefix("c4q_"),
                  new GopherRepetitionFilter()
                })
            .fit(frame());
    String path = tmp.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(2, ((C4Filter) loaded.stages()[0]).getMinSentences());
    assertEquals("c4_text", ((GopherQualityFilter) loaded.stages()[1]).getInputCol());
    assertEquals(byId(fitted.transform(frame())), byId(loaded.transform(frame())));
    assertTrue(List.of(loaded.transform(frame()).columns()).contains("c4q_word_count"));
  }

  @Test
  void schemaErrorsNameTheColumn() {
    StructType schema = SCHEMA.add("c4_sentences", DataTypes.IntegerType);
    IllegalArgumentException exists =
        assertThrows(IllegalArgumentException.class, () -> new C4Filter().transformSchema(schema));
    assertTrue(exists.getMessage().contains("'c4_sentences' already exists"), exists.getMessage());
    IllegalArgumentException reasonType =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GopherQualityFilter().setDropReasonCol("id").transformSchema(SCHEMA));
    assertTrue(
        reasonType.getMessage().contains("'id' must be of type string"), reasonType.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GopherRepetitionFilter().setInputCol("body").transformSchema(SCHEMA));
    assertTrue(missing.getMessage().contains("'body' does not exist"), missing.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> new C4Filter().setOutputCol("drop_reason").transformSchema(SCHEMA));
    assertTrue(twice.getMessage().contains("is named by two output params"), twice.getMessage());
  }

  @Test
  void rowFunctionsRunOncePerRowAndCarryOnlyTheirSettings() throws IOException {
    Dataset<Row> out =
        new GopherRepetitionFilter()
            .transform(new C4Filter().transform(frame()))
            .filter("drop_reason IS NULL");
    out.count();
    String plan = out.queryExecution().optimizedPlan().toString();
    assertEquals(1, plan.split("corral_c4\\(", -1).length - 1, plan);
    assertEquals(1, plan.split("corral_gopher_repetition\\(", -1).length - 1, plan);
    for (Object f :
        List.of(
            new C4Filter.C4Function(C4Cleaner.DEFAULTS, null),
            new GopherQualityFilter.QualityFunction(GopherQuality.DEFAULTS),
            new GopherRepetitionFilter.RepetitionFunction(GopherRepetition.DEFAULTS))) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
        o.writeObject(f);
      }
      assertTrue(
          bytes.size() < 1024,
          f.getClass().getSimpleName() + " serializes to " + bytes.size() + " bytes");
    }
  }
}
