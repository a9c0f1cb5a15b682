package dev.corral.curation.dedup;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Near-duplicate documents by MinHash-LSH (Broder 1997; LLaMA's "deduplicates the data at the ...
 * file level" and near-duplicate removal of Gopher, Rae et al. 2021, and of CCNet-derived
 * mixtures): documents whose word 5-gram sets have Jaccard similarity at least {@code threshold}
 * (0.8, as DataTrove's and NeMo Curator's defaults) are linked, linked documents form clusters
 * (connected components), and each cluster keeps one document; the others get {@code drop_reason =
 * near_duplicate}. With {@code verify} (the default) every candidate pair is checked on the true
 * Jaccard of its shingle sets, which removes LSH's false positives.
 *
 * <p>An estimator: {@code fit} searches once and returns a {@link DedupModel} that annotates rows
 * ({@code fit(docs).transform(docs)}), as many times as a pipeline asks, without searching again.
 */
public final class MinHashDeduplicator extends MinHashStage<MinHashDeduplicator> {
  private static final long serialVersionUID = 1L;

  /** The drop reason of a near-duplicate. */
  public static final String NEAR_DUPLICATE = "near_duplicate";

  private final DoubleParam threshold;
  private final BooleanParam verify;

  public MinHashDeduplicator() {
    this(Identifiable.randomUID("minhashDedup"));
  }

  public MinHashDeduplicator(String uid) {
    super(uid);
    threshold =
        new DoubleParam(
            this,
            "threshold",
            "Jaccard similarity of shingle sets that makes two documents " + "near-duplicates",
            ParamValidators.inRange(0, 1, false, false));
    verify =
        new BooleanParam(
            this, "verify", "check each candidate pair on the true Jaccard of its shingle sets");
    setDefault(threshold, 0.8);
    setDefault(verify, true);
  }

  @Override
  protected String reason() {
    return NEAR_DUPLICATE;
  }

  @Override
  protected double lshThreshold() {
    return getThreshold();
  }

  @Override
  protected CandidatePairs.Measure measure() {
    return CandidatePairs.Measure.JACCARD;
  }

  @Override
  protected double verifyThreshold() {
    return getVerify() ? getThreshold() : Double.NaN;
  }

  public DoubleParam threshold() {
    return threshold;
  }

  public double getThreshold() {
    return (Double) getOrDefault(threshold);
  }

  public MinHashDeduplicator setThreshold(double value) {
    set(threshold, value);
    return this;
  }

  public BooleanParam verify() {
    return verify;
  }

  public boolean getVerify() {
    return (Boolean) getOrDefault(verify);
  }

  public MinHashDeduplicator setVerify(boolean value) {
    set(verify, value);
    return this;
  }

  public static MLReader<MinHashDeduplicator> read() {
    return new DefaultParamsReader<>();
  }

  public static MinHashDeduplicator load(String path) {
    return read().load(path);
  }
}
