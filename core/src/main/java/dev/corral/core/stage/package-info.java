/**
 * What every Corral Spark ML stage shares: the text and filter bases with their shared params,
 * validators and column contracts ({@link dev.corral.core.stage.Stages}, {@link
 * dev.corral.core.stage.FilterColumns}), cross-param checks ({@link
 * dev.corral.core.stage.CheckedParams}), and the registry of every module's stages ({@link
 * dev.corral.core.stage.StageRegistry}, fed by {@link dev.corral.core.stage.StageProvider}s).
 */
package dev.corral.core.stage;
