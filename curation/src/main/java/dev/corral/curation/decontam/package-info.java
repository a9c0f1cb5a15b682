/**
 * Benchmark decontamination: {@link dev.corral.curation.decontam.Contamination} marks documents
 * that share a word n-gram (13 by default, as GPT-3 did) with evaluation prompts or answers, with
 * {@code drop_reason = contaminated} and the benchmarks matched; {@link
 * dev.corral.curation.decontam.WordNgrams} is the Spark-free normalization and hashing both sides
 * share, and {@link dev.corral.curation.decontam.BenchmarkIndex} the n-gram table broadcast to the
 * executors.
 */
package dev.corral.curation.decontam;
