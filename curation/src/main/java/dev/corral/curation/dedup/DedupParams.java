package dev.corral.curation.dedup;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column params every dedup stage has: a transformer ({@link ExactDeduplicator}), an estimator
 * ({@link MinHashDeduplicator}, {@link BookDeduplicator}) and the model it fits ({@link
 * DedupModel}), which carries the estimator's values. Spark ML shares such params through Scala
 * traits ({@code HasInputCol}); in Java the getters and setters live here once, and each stage
 * holds the params themselves in a {@link DedupColumns}.
 *
 * <p>Documents are named by {@code idCol} (unique); documents that are the same (or nearly) form a
 * cluster, of which one is kept. Every row gets {@code clusterCol} (the kept document's id) and
 * {@code clusterSizeCol} (1 for a document alone); the others get {@code duplicateOfCol} (the kept
 * id) and the stage's reason in {@code dropReasonCol}. Rows never disappear, and rows that an
 * earlier stage already dropped take no part.
 *
 * @param <T> the concrete stage, so that setters chain
 */
public interface DedupParams<T extends DedupParams<T>> extends Params {
  /** The stage's own column params, created once in its constructor. */
  DedupColumns dedupColumns();

  /** Column holding the text (default {@code text}). */
  default Param<String> inputCol() {
    return dedupColumns().inputCol;
  }

  /** Column naming each document (default {@code id}). */
  default Param<String> idCol() {
    return dedupColumns().idCol;
  }

  /** Numeric column whose highest value a cluster keeps (unset: the smallest id). */
  default Param<String> qualityCol() {
    return dedupColumns().qualityCol;
  }

  /** Output: the kept document's id, null for the kept one (default {@code duplicate_of}). */
  default Param<String> duplicateOfCol() {
    return dedupColumns().duplicateOfCol;
  }

  /** Output: the id of the document the row's cluster keeps (default {@code dedup_cluster}). */
  default Param<String> clusterCol() {
    return dedupColumns().clusterCol;
  }

  /** Output: the number of documents in the row's cluster (default {@code cluster_size}). */
  default Param<String> clusterSizeCol() {
    return dedupColumns().clusterSizeCol;
  }

  /**
   * Column naming why a document is dropped, set only where still null (default {@code
   * drop_reason}).
   */
  default Param<String> dropReasonCol() {
    return dedupColumns().dropReasonCol;
  }

  default String getInputCol() {
    return getOrDefault(inputCol());
  }

  default T setInputCol(String value) {
    set(inputCol(), value);
    return self();
  }

  default String getIdCol() {
    return getOrDefault(idCol());
  }

  default T setIdCol(String value) {
    set(idCol(), value);
    return self();
  }

  /** The quality column, or null when the smallest id decides. */
  default String getQualityCol() {
    return isDefined(qualityCol()) ? getOrDefault(qualityCol()) : null;
  }

  default T setQualityCol(String value) {
    set(qualityCol(), value);
    return self();
  }

  default String getDuplicateOfCol() {
    return getOrDefault(duplicateOfCol());
  }

  default T setDuplicateOfCol(String value) {
    set(duplicateOfCol(), value);
    return self();
  }

  default String getClusterCol() {
    return getOrDefault(clusterCol());
  }

  default T setClusterCol(String value) {
    set(clusterCol(), value);
    return self();
  }

  default String getClusterSizeCol() {
    return getOrDefault(clusterSizeCol());
  }

  default T setClusterSizeCol(String value) {
    set(clusterSizeCol(), value);
    return self();
  }

  default String getDropReasonCol() {
    return getOrDefault(dropReasonCol());
  }

  default T setDropReasonCol(String value) {
    set(dropReasonCol(), value);
    return self();
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }
}
