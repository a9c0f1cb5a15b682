/**
 * Spark plumbing shared by Corral's stages: the per-JVM model cache
 * ({@link dev.corral.curation.spark.ExecutorModels}), column-contract checks
 * ({@link dev.corral.core.stage.Stages}) and the SQL session extension
 * ({@link dev.corral.curation.spark.CorralSparkExtensions}).
 */
package dev.corral.curation.spark;
