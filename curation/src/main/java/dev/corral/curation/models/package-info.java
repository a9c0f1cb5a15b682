/**
 * The curation models an executor keeps, through the per-JVM {@link
 * dev.corral.core.models.ModelCache}: fastText models ({@link
 * dev.corral.curation.models.ExecutorModels}) and Hugging Face tokenizers ({@link
 * dev.corral.curation.models.ExecutorTokenizers}), from the jar ({@code builtin:}) or any Hadoop
 * path.
 */
package dev.corral.curation.models;
