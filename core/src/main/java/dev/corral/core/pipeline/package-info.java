/**
 * Pipelines from YAML: a file in {@code conf/} names stages and their params, {@link
 * dev.corral.core.pipeline.PipelineConfig} reads and checks it (unknown keys, stages or params are
 * errors that name them), and {@link dev.corral.core.stage.StageRegistry} turns it into a Spark ML
 * {@code Pipeline} of any module's stages. The YAML holds no logic: only names and values.
 */
package dev.corral.core.pipeline;
