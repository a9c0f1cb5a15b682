/**
 * Document-level dedup as LLaMA's mixture needs it: {@link
 * dev.corral.curation.dedup.ExactDeduplicator} (a content hash, normalized for documents or exact
 * for code files), {@link dev.corral.curation.dedup.MinHashDeduplicator} (near-duplicates by
 * MinHash-LSH over {@link dev.corral.curation.dedup.Shingles}, verified pairs, distributed {@link
 * dev.corral.curation.dedup.ConnectedComponents}) and {@link
 * dev.corral.curation.dedup.BookDeduplicator} (containment above 90%). The two MinHash stages are
 * estimators: {@code fit} searches once and returns a {@link dev.corral.curation.dedup.DedupModel}
 * holding the cluster table, whose {@code transform} is one join. All share the column params of
 * {@link dev.corral.curation.dedup.DedupParams}. Line-level dedup is CCNet's, in {@code ccnet}.
 * Stages add columns and record {@code drop_reason}; they never drop rows.
 */
package dev.corral.curation.dedup;
