package dev.corral.curation.dedup;

import dev.corral.core.Errors;
import dev.corral.core.stage.Stages;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;

/**
 * Book-level dedup as LLaMA did it for Gutenberg and Books3 (Touvron et al. 2023, section 2.1:
 * "removing books with more than 90% content overlap"): a book whose shingle set is contained in
 * another's, {@code |A ∩ B| / |A| > threshold} with {@code A} the smaller, is removed ({@code
 * drop_reason = book_overlap}). Candidates come from MinHash-LSH tuned to a lower Jaccard ({@code
 * candidateThreshold}: a book inside a longer one has a Jaccard of about its share of the longer
 * one), then every candidate pair is verified on the true containment. Overlapping books form
 * clusters that keep the longest (then the smallest id). An estimator, like {@link
 * MinHashDeduplicator}: {@code fit} searches once and returns the {@link DedupModel} that annotates
 * rows.
 */
public final class BookDeduplicator extends MinHashStage<BookDeduplicator> {
  private static final long serialVersionUID = 1L;

  /** The drop reason of a book that another book contains. */
  public static final String BOOK_OVERLAP = "book_overlap";

  private final DoubleParam threshold;
  private final DoubleParam candidateThreshold;

  public BookDeduplicator() {
    this(Identifiable.randomUID("bookDedup"));
  }

  public BookDeduplicator(String uid) {
    super(uid);
    threshold =
        new DoubleParam(
            this,
            "threshold",
            "share of the smaller book's shingles found in the other book above which it is removed (LLaMA: 0.9)",
            ParamValidators.inRange(0, 1, false, true));
    candidateThreshold =
        new DoubleParam(
            this,
            "candidateThreshold",
            "Jaccard similarity the LSH bands aim at to find candidate pairs",
            ParamValidators.inRange(0, 1, false, false));
    setDefault(threshold, 0.9);
    setDefault(candidateThreshold, 0.5);
  }

  /**
   * Also refuses a candidateThreshold above threshold: a pair's Jaccard never exceeds its
   * containment, so bands aimed above the containment threshold would miss the pairs just over it.
   */
  @Override
  public void checkParams() {
    super.checkParams();
    if (getCandidateThreshold() > getThreshold()) {
      throw Errors.paramsOutOfOrder(
          "BookDeduplicator",
          "candidateThreshold",
          getCandidateThreshold(),
          "threshold",
          getThreshold());
    }
  }

  @Override
  protected String reason() {
    return BOOK_OVERLAP;
  }

  @Override
  protected double lshThreshold() {
    return (Double) getOrDefault(candidateThreshold);
  }

  @Override
  protected CandidatePairs.Measure measure() {
    return CandidatePairs.Measure.CONTAINMENT;
  }

  @Override
  protected double verifyThreshold() {
    return getThreshold();
  }

  @Override
  protected List<Column> clusterOrder() {
    return List.of(textLength().desc_nulls_last(), Stages.column(getIdCol()).asc_nulls_last());
  }

  public DoubleParam threshold() {
    return threshold;
  }

  public double getThreshold() {
    return (Double) getOrDefault(threshold);
  }

  public BookDeduplicator setThreshold(double value) {
    set(threshold, value);
    return this;
  }

  public DoubleParam candidateThreshold() {
    return candidateThreshold;
  }

  public double getCandidateThreshold() {
    return (Double) getOrDefault(candidateThreshold);
  }

  public BookDeduplicator setCandidateThreshold(double value) {
    set(candidateThreshold, value);
    return this;
  }

  public static MLReader<BookDeduplicator> read() {
    return new DefaultParamsReader<>();
  }

  public static BookDeduplicator load(String path) {
    return read().load(path);
  }
}
