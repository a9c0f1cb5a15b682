/**
 * Training mixtures like LLaMA's Table 1: {@link dev.corral.curation.mixture.MixtureConfig} (YAML),
 * {@link dev.corral.curation.mixture.TokenCounter} (LLaMA tokenizer counts), seeded sampling by
 * proportion or epochs that does not depend on partitioning, shuffled shards with stable names and
 * checksums in a {@code manifest.json}, and a {@code report.md} with charts ({@link
 * dev.corral.curation.mixture.MixtureBuilder}).
 */
package dev.corral.curation.mixture;
