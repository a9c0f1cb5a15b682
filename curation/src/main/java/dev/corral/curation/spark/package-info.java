/**
 * Corral's SQL functions for Spark sessions ({@link
 * dev.corral.curation.spark.CorralSparkExtensions}): {@code corral_language(text)} and {@code
 * corral_language_score(text)}.
 */
package dev.corral.curation.spark;
