package dev.corral.core.stage;

import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.ml.PipelineStage;

/**
 * A module's contribution to {@link StageRegistry}: the stages a pipeline YAML may name. Each
 * module lists its provider in {@code META-INF/services/dev.corral.core.stage.StageProvider}, as
 * DJL's engines plug in, so the registry knows every stage on the class path without {@code core}
 * depending on the modules.
 */
public interface StageProvider {
  /**
   * New-stage factories, in the order help and docs list them; a stage is named by its class's
   * simple name.
   */
  List<Supplier<PipelineStage>> stages();
}
