package dev.corral.curation.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corral.core.CorralException;
import dev.corral.core.pipeline.PipelineConfig;
import dev.corral.curation.ccnet.PerplexityBuckets;
import dev.corral.curation.ccnet.PerplexityBucketsModel;
import dev.corral.curation.classify.FastTextTrainer;
import dev.corral.curation.dedup.BookDeduplicator;
import dev.corral.curation.dedup.MinHashDeduplicator;
import dev.corral.curation.quality.heuristics.GopherQualityFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Params that must be ordered against each other (a minimum and its maximum, bands and rows) are
 * checked by each stage's {@code checkParams}, first thing in {@code transformSchema}: a Pipeline
 * fails before any data moves, with one line naming both params and their values.
 */
class StageParamChecksTest {
  /**
   * A schema the stages would otherwise accept: the params fail before the columns are looked at.
   */
  static final StructType DOCS =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("text", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("language", DataTypes.StringType)
          .add("perplexity", DataTypes.DoubleType);

  @TempDir Path tmp;

  /**
   * The stage's checkParams, its transformSchema and a Pipeline holding it all fail with {@code
   * message}.
   */
  static void refused(PipelineStage stage, Executable checkParams, String message) {
    assertEquals(message, assertThrows(CorralException.class, checkParams).getMessage());
    assertEquals(
        message,
        assertThrows(CorralException.class, () -> stage.transformSchema(DOCS)).getMessage());
    assertEquals(
        message,
        assertThrows(CorralException.class, () -> stage.transformSchema(new StructType()))
            .getMessage(),
        "params are checked before columns");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {stage});
    assertEquals(
        message,
        assertThrows(CorralException.class, () -> pipeline.transformSchema(DOCS)).getMessage());
  }

  @Test
  void gopherWordCountsAndMeanWordLengths() {
    GopherQualityFilter words = new GopherQualityFilter().setMinDocWords(100).setMaxDocWords(50);
    refused(words, words::checkParams, "GopherQualityFilter: minDocWords 100 > maxDocWords 50");
    GopherQualityFilter mean = new GopherQualityFilter().setMinMeanWordLength(12);
    refused(
        mean,
        mean::checkParams,
        "GopherQualityFilter: minMeanWordLength 12.0 > maxMeanWordLength 10.0");
    // Equal bounds are a one-value range, not a contradiction.
    new GopherQualityFilter()
        .setMinDocWords(70)
        .setMaxDocWords(70)
        .setMinMeanWordLength(5)
        .setMaxMeanWordLength(5)
        .transformSchema(DOCS);
  }

  @Test
  void perplexityPercentilesAndCutoffs() {
    PerplexityBuckets buckets = new PerplexityBuckets().setPercentileHead(70);
    refused(
        buckets, buckets::checkParams, "PerplexityBuckets: percentileHead 70 > percentileTail 60");
    new PerplexityBuckets().setPercentileHead(60).transformSchema(DOCS);

    PerplexityBucketsModel crossed =
        new PerplexityBucketsModel()
            .setLanguages(new String[] {"en", "de"})
            .setHeadCutoffs(new double[] {100, 300})
            .setTailCutoffs(new double[] {200, 250});
    refused(
        crossed,
        crossed::checkParams,
        "PerplexityBucketsModel: headCutoffs[de] 300.0 > tailCutoffs[de] 250.0");
    PerplexityBucketsModel short1 =
        new PerplexityBucketsModel()
            .setLanguages(new String[] {"en", "de"})
            .setHeadCutoffs(new double[] {100})
            .setTailCutoffs(new double[] {200, 250});
    refused(
        short1,
        short1::checkParams,
        "PerplexityBucketsModel: languages has 2 entries but headCutoffs 1 and tailCutoffs 2 (one of each per language)");
    PerplexityBucketsModel twice =
        new PerplexityBucketsModel()
            .setLanguages(new String[] {"en", "en"})
            .setHeadCutoffs(new double[] {100, 100})
            .setTailCutoffs(new double[] {200, 200});
    refused(
        twice,
        twice::checkParams,
        "PerplexityBucketsModel: languages [en, en] names a language twice");
    new PerplexityBucketsModel()
        .setLanguages(new String[] {"en"})
        .setHeadCutoffs(new double[] {200})
        .setTailCutoffs(new double[] {200})
        .transformSchema(DOCS);
  }

  @Test
  void minHashBandsAndRows() {
    MinHashDeduplicator bandsOnly = new MinHashDeduplicator().setBands(16);
    refused(
        bandsOnly,
        bandsOnly::checkParams,
        "MinHashDeduplicator: bands 16 is set but rows is not (set both, or "
            + "neither to choose them from the threshold)");
    MinHashDeduplicator rowsOnly = new MinHashDeduplicator().setRows(4);
    refused(
        rowsOnly,
        rowsOnly::checkParams,
        "MinHashDeduplicator: rows 4 is set but bands is not (set both, or "
            + "neither to choose them from the threshold)");
    MinHashDeduplicator tooMany = new MinHashDeduplicator().setBands(20).setRows(10);
    refused(
        tooMany,
        tooMany::checkParams,
        "MinHashDeduplicator: bands 20 x rows 10 = 200 > numPerm 128");
    assertThrows(CorralException.class, tooMany::getLshBands);
    new MinHashDeduplicator().setBands(16).setRows(8).setIdCol("id").transformSchema(DOCS);
  }

  @Test
  void bookCandidateThresholdAtMostTheContainmentThreshold() {
    BookDeduplicator books = new BookDeduplicator().setCandidateThreshold(0.95);
    refused(books, books::checkParams, "BookDeduplicator: candidateThreshold 0.95 > threshold 0.9");
    BookDeduplicator rowsOnly = new BookDeduplicator().setRows(4);
    refused(
        rowsOnly,
        rowsOnly::checkParams,
        "BookDeduplicator: rows 4 is set but bands is not (set both, or "
            + "neither to choose them from the threshold)");
    new BookDeduplicator().setCandidateThreshold(0.9).setIdCol("id").transformSchema(DOCS);
  }

  @Test
  void fastTextCharNgramLengths() {
    FastTextTrainer trainer =
        new FastTextTrainer().setModelPath("/tmp/m.bin").setMinn(5).setMaxn(3);
    refused(trainer, trainer::checkParams, "FastTextTrainer: minn 5 > maxn 3");
    // maxn 0 turns char n-grams off: minn is then unused, not contradicted.
    new FastTextTrainer().setModelPath("/tmp/m.bin").setMinn(5).setMaxn(0).transformSchema(DOCS);
  }

  @Test
  void aPipelineYamlWithCrossedBoundsFailsBeforeData() throws Exception {
    Path yaml = tmp.resolve("p.yaml");
    Files.writeString(
        yaml,
        "stages:\n  - stage: GopherQualityFilter\n    params: {minDocWords: 100, maxDocWords: 50}\n");
    // the registry checks the params as it builds the stage, before any Spark session exists
    assertEquals(
        yaml + ": stages[0]: GopherQualityFilter: minDocWords 100 > maxDocWords 50",
        assertThrows(CorralException.class, () -> PipelineConfig.read(yaml).toPipeline())
            .getMessage());
  }
}
