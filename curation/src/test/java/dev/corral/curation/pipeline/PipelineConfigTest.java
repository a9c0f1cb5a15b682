package dev.corral.curation.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.pipeline.PipelineConfig;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.quality.QualityClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline YAMLs: the project's own files build, and every mistake is named. */
class PipelineConfigTest {
  @TempDir Path tmp;

  private Path yaml(String text) throws Exception {
    Path p = tmp.resolve("p.yaml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void theShippedConfigBuildsWithItsParams() {
    PipelineConfig config = PipelineConfig.read(Path.of("../conf/ccnet-quality.yaml"));
    assertEquals(
        List.of(
            "LineDeduplicator",
            "LanguageIdentifier",
            "LanguageFilter",
            "PerplexityScorer",
            "PerplexityBuckets",
            "QualityClassifier",
            "GopherQualityFilter",
            "GopherRepetitionFilter",
            "C4Filter"),
        config.stageNames());
    Pipeline pipeline = config.toPipeline();
    assertEquals(0.5, ((LanguageIdentifier) pipeline.getStages()[1]).getMinScore());
    assertEquals(0.25, ((QualityClassifier) pipeline.getStages()[5]).getThreshold());
    assertEquals("parquet", config.input("format"));
  }

  @Test
  void mistakesAreNamed() throws Exception {
    CorralException e =
        assertThrows(
            CorralException.class,
            () ->
                PipelineConfig.read(yaml("stages:\n  - stage: LanguageIdentifier\nstagez: []\n")));
    assertTrue(
        e.getMessage()
            .endsWith(
                "p.yaml: unknown key 'stagez' (known: description, input, name, output, stages)"),
        e.getMessage());
    e =
        assertThrows(
            CorralException.class,
            () -> PipelineConfig.read(yaml("stages:\n  - stage: LangId\n")).toPipeline());
    assertTrue(
        e.getMessage()
            .contains(
                "stages[0]: unknown stage 'LangId' (known: LineDeduplicator, LanguageIdentifier,"),
        e.getMessage());
    e =
        assertThrows(
            CorralException.class,
            () ->
                PipelineConfig.read(
                        yaml(
                            "stages:\n  - stage: LanguageIdentifier\n    params: {minscore: 0.4}\n"))
                    .toPipeline());
    assertTrue(
        e.getMessage().contains("stage LanguageIdentifier has no param 'minscore' (params:"),
        e.getMessage());
    e =
        assertThrows(
            CorralException.class,
            () ->
                PipelineConfig.read(
                        yaml("stages:\n  - stage: LanguageIdentifier\n    params: {minScore: 7}\n"))
                    .toPipeline());
    assertTrue(e.getMessage().contains("param 'minScore' cannot be 7"), e.getMessage());
    e = assertThrows(CorralException.class, () -> PipelineConfig.read(yaml("name: x\n")));
    assertTrue(e.getMessage().endsWith("'stages' must be a non-empty list"), e.getMessage());
    e = assertThrows(CorralException.class, () -> PipelineConfig.read(yaml("stages: [\n")));
    assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
  }
}
