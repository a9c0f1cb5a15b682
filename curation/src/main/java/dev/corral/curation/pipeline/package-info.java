/**
 * The curation stages that pipeline YAMLs may name ({@link
 * dev.corral.curation.pipeline.CurationStages}, found by {@link
 * dev.corral.core.stage.StageRegistry} through {@code ServiceLoader}).
 */
package dev.corral.curation.pipeline;
