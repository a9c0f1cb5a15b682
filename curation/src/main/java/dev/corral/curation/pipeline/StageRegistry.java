package dev.corral.curation.pipeline;

import dev.corral.curation.Errors;
import dev.corral.curation.ccnet.LanguageFilter;
import dev.corral.curation.ccnet.LineDeduplicator;
import dev.corral.curation.ccnet.PerplexityBuckets;
import dev.corral.curation.ccnet.PerplexityScorer;
import dev.corral.curation.classify.FastTextClassifier;
import dev.corral.curation.dedup.BookDeduplicator;
import dev.corral.curation.dedup.ExactDeduplicator;
import dev.corral.curation.dedup.MinHashDeduplicator;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.mixture.TokenCounter;
import dev.corral.curation.quality.QualityClassifier;
import dev.corral.curation.quality.heuristics.C4Filter;
import dev.corral.curation.quality.heuristics.GopherQualityFilter;
import dev.corral.curation.quality.heuristics.GopherRepetitionFilter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;

/** The stages a pipeline YAML may name, by their class's simple name, and how their params are set. */
public final class StageRegistry {
  private static final Map<String, Supplier<PipelineStage>> STAGES = new LinkedHashMap<>();

  static {
    // CCNet (Wenzek et al. 2020): line dedup, language, perplexity, buckets.
    register("LineDeduplicator", LineDeduplicator::new);
    register("LanguageIdentifier", LanguageIdentifier::new);
    register("LanguageFilter", LanguageFilter::new);
    register("PerplexityScorer", PerplexityScorer::new);
    register("PerplexityBuckets", PerplexityBuckets::new);
    // Quality: the Wikipedia-reference classifier and the C4 / Gopher rules.
    register("QualityClassifier", QualityClassifier::new);
    register("FastTextClassifier", FastTextClassifier::new);
    register("C4Filter", C4Filter::new);
    register("GopherQualityFilter", GopherQualityFilter::new);
    register("GopherRepetitionFilter", GopherRepetitionFilter::new);
    // Document dedup: exact, near-duplicate (MinHash-LSH), books.
    register("ExactDeduplicator", ExactDeduplicator::new);
    register("MinHashDeduplicator", MinHashDeduplicator::new);
    register("BookDeduplicator", BookDeduplicator::new);
    // Mixture preparation.
    register("TokenCounter", TokenCounter::new);
  }

  private StageRegistry() {}

  static void register(String name, Supplier<PipelineStage> factory) {
    STAGES.put(name, factory);
  }

  /** The names a YAML may use. */
  public static java.util.Set<String> names() {
    return STAGES.keySet();
  }

  /**
   * A new stage {@code name} with {@code params} set; values are YAML scalars or lists, decoded by each
   * param's own JSON decoder and checked by its validator. {@code where} names the place in the file.
   */
  static PipelineStage create(String name, Map<String, Object> params, String where) {
    Supplier<PipelineStage> factory = STAGES.get(name);
    if (factory == null) {
      throw Errors.badInput(where, "unknown stage '" + name + "' (known: " + String.join(", ", names()) + ")");
    }
    PipelineStage stage = factory.get();
    for (Map.Entry<String, Object> e : params.entrySet()) {
      if (!stage.hasParam(e.getKey())) {
        String known = Arrays.stream(stage.params()).map(Param::name).collect(Collectors.joining(", "));
        throw Errors.badInput(where, "stage " + name + " has no param '" + e.getKey() + "' (params: " + known + ")");
      }
      @SuppressWarnings("unchecked")
      Param<Object> param = (Param<Object>) stage.getParam(e.getKey());
      Object value;
      try {
        value = param.jsonDecode(PipelineConfig.JSON.writeValueAsString(e.getValue()));
        stage.set(new ParamPair<>(param, value));
      } catch (Exception ex) {
        throw Errors.badInput(where, "stage " + name + " param '" + e.getKey() + "' cannot be " + e.getValue()
            + ": " + param.doc());
      }
    }
    return stage;
  }
}
