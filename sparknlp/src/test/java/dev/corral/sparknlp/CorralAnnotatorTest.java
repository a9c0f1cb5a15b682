package dev.corral.sparknlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.Finisher;
import com.johnsnowlabs.nlp.annotators.sbd.pragmatic.SentenceDetector;
import dev.corral.core.CorralException;
import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.ccnet.PerplexityScorer;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.lm.NgramTrainer;
import dev.corral.curation.quality.QualityClassifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
 * Spark NLP's own annotators and Corral's stages in one pipeline, with the real Spark NLP jar:
 * DocumentAssembler → SentenceDetector → LanguageIdentifier → PerplexityScorer → Finisher, fitted,
 * saved and loaded as a PipelineModel. The oracle for every annotation is the same Corral stage run
 * on a plain table of the sentences.
 */
class CorralAnnotatorTest {
  private static final String ENGLISH = "The committee approved the new budget on Tuesday morning.";
  private static final String GERMAN =
      "Der Ausschuss hat den neuen Haushalt am Dienstag genehmigt.";
  private static final String FRENCH =
      "Toute personne a droit à la liberté de pensée, de conscience et de religion.";

  private static SparkSession spark;
  @TempDir static Path dir;
  private static Path lmDir;

  @BeforeAll
  static void start() throws IOException {
    spark = TestSpark.start("CorralAnnotatorTest", Map.of());
    // A trigram model trained by Corral on the lm tests' corpus (UDHR lines, mostly ASCII
    // languages), installed as the English model: English sentences get a perplexity, others none.
    List<String> corpus = new ArrayList<>();
    try (var in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(
                    CorralAnnotatorTest.class.getResourceAsStream("/lm/train.txt.gz")),
                StandardCharsets.UTF_8))) {
      in.lines().forEach(corpus::add);
    }
    assertEquals(1000, corpus.size());
    lmDir = Files.createDirectories(dir.resolve("lm"));
    new NgramTrainer(3).train(corpus, lmDir.resolve("en.arpa"));
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static Dataset<Row> documents() {
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("text", DataTypes.StringType, true);
    return spark.createDataFrame(
        List.of(
            RowFactory.create(1, ENGLISH + " " + GERMAN),
            RowFactory.create(2, FRENCH),
            RowFactory.create(3, "")),
        schema);
  }

  private static Pipeline pipeline() {
    DocumentAssembler document = new DocumentAssembler();
    document.setInputCol("text");
    document.setOutputCol("document");
    SentenceDetector sentences = new SentenceDetector();
    sentences.setInputCols(new String[] {"document"});
    sentences.setOutputCol("sentence");
    CorralAnnotator language =
        new CorralAnnotator()
            .setInputCols("sentence")
            .setOutputCol("language")
            .setStage(new LanguageIdentifier());
    CorralAnnotator perplexity =
        new CorralAnnotator()
            .setInputCols("sentence", "language")
            .setOutputCol("perplexity")
            .setStage(
                new PerplexityScorer()
                    .setInputCol("text")
                    .setLmDir(lmDir.toUri().toString())
                    .setTokenizer("whitespace"));
    Finisher finisher = new Finisher();
    finisher.setInputCols(new String[] {"sentence", "language", "perplexity"});
    finisher.setCleanAnnotations(false);
    return new Pipeline()
        .setStages(new PipelineStage[] {document, sentences, language, perplexity, finisher});
  }

  @Test
  void sparkNlpAndCorralStagesMixInOnePipelineThatSavesAndLoads() throws IOException {
    PipelineModel model = pipeline().fit(documents());
    Path saved = dir.resolve("pipeline");
    model.write().save(saved.toString());
    PipelineModel loaded = PipelineModel.load(saved.toString());

    // The loaded model only: it is the one that must hold every stage and param.
    String englishPerplexity = String.valueOf(plainPerplexity(ENGLISH, "en"));
    List<Float> scores = List.of(plainLanguageScore(ENGLISH), plainLanguageScore(GERMAN));
    Map<Integer, Row> byId = new HashMap<>();
    for (Row row : loaded.transform(documents()).collectAsList()) {
      byId.put(row.getAs("id"), row);
    }
    assertEquals(3, byId.size());
    assertEquals(
        List.of(ENGLISH, GERMAN), byId.get(1).getList(byId.get(1).fieldIndex("finished_sentence")));
    assertEquals(List.of("en", "de"), finished(byId.get(1), "finished_language"));
    assertEquals(List.of("fr"), finished(byId.get(2), "finished_language"));
    assertEquals(List.of(), finished(byId.get(3), "finished_language"));
    assertEquals(List.of(), finished(byId.get(3), "finished_perplexity"));

    // Only English has a model: null perplexity elsewhere, and for English what the stage gives.
    List<String> perplexities = finished(byId.get(1), "finished_perplexity");
    assertEquals(2, perplexities.size());
    assertNotNull(perplexities.get(0));
    assertEquals(englishPerplexity, perplexities.get(0));
    assertNull(perplexities.get(1));
    assertEquals(Arrays.asList((String) null), finished(byId.get(2), "finished_perplexity"));

    // Annotations: spans of the sentences, LanguageDetectorDL's metadata, the annotator type.
    List<Row> languages = byId.get(1).getList(byId.get(1).fieldIndex("language"));
    List<Row> spans = byId.get(1).getList(byId.get(1).fieldIndex("sentence"));
    for (int i = 0; i < 2; i++) {
      Row annotation = languages.get(i);
      assertEquals("language", annotation.getAs("annotatorType"));
      assertEquals((int) spans.get(i).getAs("begin"), (int) annotation.getAs("begin"));
      assertEquals((int) spans.get(i).getAs("end"), (int) annotation.getAs("end"));
      Map<String, String> metadata = annotation.getJavaMap(annotation.fieldIndex("metadata"));
      assertEquals(String.valueOf(i), metadata.get("sentence"));
      String code = annotation.getAs("result");
      float score = scores.get(i);
      assertEquals(String.valueOf(score), metadata.get(code));
      assertEquals(String.valueOf(score), metadata.get("language_score"));
    }
  }

  @Test
  void theOutputColumnIsAnAnnotationColumnAsSparkNlpDeclaresIt() {
    Dataset<Row> sentences = sentenceTable();
    CorralAnnotator language =
        new CorralAnnotator()
            .setInputCols("sentence")
            .setOutputCol("language")
            .setStage(new LanguageIdentifier());
    Dataset<Row> out = language.transform(sentences);
    assertEquals(
        language.transformSchema(sentences.schema()).apply("language").dataType(),
        out.schema().apply("language").dataType());
    assertEquals("language", out.schema().apply("language").metadata().getString("annotatorType"));
    // The columns it passes through keep Spark NLP's metadata, which later annotators check.
    assertEquals("document", out.schema().apply("sentence").metadata().getString("annotatorType"));
  }

  @Test
  void followsTheSparkMlContractAndSavesItsStage() {
    CorralAnnotator annotator =
        new CorralAnnotator()
            .setInputCols("sentence", "language")
            .setOutputCol("perplexity")
            .setStage(new PerplexityScorer().setLmDir("/models/lm").setTokenizer("whitespace"));
    SparkMlContract.checkParams(annotator);
    CorralAnnotator loaded =
        SparkMlContract.checkReadWrite(annotator, dir.resolve("annotator").toString());
    PerplexityScorer stage = (PerplexityScorer) loaded.getStage();
    assertEquals(annotator.getStage().uid(), stage.uid());
    assertEquals("/models/lm", stage.getLmDir());
    assertEquals("whitespace", stage.getTokenizer());
    CorralException unset =
        assertThrows(CorralException.class, () -> new CorralAnnotator().write());
    assertTrue(
        unset
            .getMessage()
            .matches("CorralAnnotator corral_annotator_\\w+: no stage set \\(call setStage\\)"),
        unset::getMessage);
  }

  @Test
  void qualityAnnotationsCarryTheScoreAndTheDropReason() {
    // lid.176 as a binary classifier for "en": a real fastText model, no training in the test.
    QualityClassifier quality =
        new QualityClassifier()
            .setModelPath(LanguageIdentifier.BUNDLED_MODEL)
            .setPositiveLabel("en")
            .setThreshold(0.5);
    Dataset<Row> out =
        new CorralAnnotator()
            .setInputCols("sentence")
            .setOutputCol("quality")
            .setStage(quality)
            .transform(sentenceTable());
    Map<Integer, Row> byId = new HashMap<>();
    for (Row row : out.collectAsList()) {
      byId.put(row.getAs("id"), row);
    }
    Row plain =
        quality
            .copy(ParamMap.empty())
            .transform(spark.createDataset(List.of(FRENCH), Encoders.STRING()).toDF("text"))
            .first();
    Row french = byId.get(2).<Row>getList(byId.get(2).fieldIndex("quality")).get(0);
    assertEquals("quality", french.getAs("annotatorType"));
    assertEquals(String.valueOf(plain.<Object>getAs("quality_score")), french.getAs("result"));
    Map<String, String> metadata = french.getJavaMap(french.fieldIndex("metadata"));
    assertEquals("low_quality", metadata.get("drop_reason"));
  }

  @Test
  void aColumnThatHoldsNoAnnotationsIsRefusedByName() {
    CorralAnnotator language =
        new CorralAnnotator()
            .setInputCols("text")
            .setOutputCol("language")
            .setStage(new LanguageIdentifier());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> language.transform(documents()));
    assertTrue(
        e.getMessage().contains("column 'text' must hold Spark NLP annotations"), e::getMessage);
  }

  private static Dataset<Row> sentenceTable() {
    DocumentAssembler document = new DocumentAssembler();
    document.setInputCol("text");
    document.setOutputCol("sentence");
    return document.transform(documents());
  }

  private static List<String> finished(Row row, String column) {
    return row.getList(row.fieldIndex(column));
  }

  private static float plainLanguageScore(String text) {
    Row row =
        new LanguageIdentifier()
            .setInputCol("value")
            .transform(spark.createDataset(List.of(text), Encoders.STRING()))
            .first();
    return row.getAs("language_score");
  }

  private static Double plainPerplexity(String text, String language) {
    Dataset<Row> table =
        spark.createDataFrame(
            List.of(RowFactory.create(text, language)),
            new StructType()
                .add("text", DataTypes.StringType)
                .add("language", DataTypes.StringType));
    return new PerplexityScorer()
        .setInputCol("text")
        .setLmDir(lmDir.toUri().toString())
        .setTokenizer("whitespace")
        .transform(table)
        .first()
        .getAs("perplexity");
  }
}
