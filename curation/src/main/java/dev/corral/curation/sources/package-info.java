/**
 * LLaMA's sources besides CommonCrawl and C4, read from their published dumps into document tables
 * with the common columns of {@link dev.corral.curation.sources.SourceColumns}: one sub-package per
 * source ({@code wikipedia}, {@code stackexchange}, {@code github}, {@code arxiv}, {@code books}),
 * each processing its source as the paper and RedPajama v1 did (see each package's documentation
 * for the rules and their citations).
 */
package dev.corral.curation.sources;
