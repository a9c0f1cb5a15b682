package dev.corral.inference.spark;

import dev.corral.core.stage.StageProvider;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.ml.PipelineStage;

/** The LLaMA stages a pipeline YAML may name (registered in {@code META-INF/services}). */
public final class InferenceStages implements StageProvider {
  @Override
  public List<Supplier<PipelineStage>> stages() {
    return List.of(LlamaScorer::new, LlamaGenerator::new);
  }
}
