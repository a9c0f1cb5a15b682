package dev.corral.curation.fasttext;

/**
 * The training arguments a fastText model stores in its header (fastText's {@code Args::save}
 * order), plus {@code qout}, which is stored after the input matrix.
 *
 * @param dim size of word vectors
 * @param ws context window (unsupervised only)
 * @param epoch training epochs
 * @param minCount minimal number of word occurrences
 * @param neg negatives sampled (loss ns)
 * @param wordNgrams max length of word n-grams
 * @param loss the output layer
 * @param model supervised, cbow or skipgram
 * @param bucket number of hash buckets for n-grams
 * @param minn min length of char n-grams
 * @param maxn max length of char n-grams (0: none)
 * @param lrUpdateRate learning-rate update rate
 * @param t sampling threshold
 */
public record FastTextArgs(
    int dim,
    int ws,
    int epoch,
    int minCount,
    int neg,
    int wordNgrams,
    LossName loss,
    ModelName model,
    int bucket,
    int minn,
    int maxn,
    int lrUpdateRate,
    double t) {

  /** fastText's {@code loss_name}, numbered as in its file format. */
  public enum LossName {
    HS(1),
    NS(2),
    SOFTMAX(3),
    OVA(4);

    final int code;

    LossName(int code) {
      this.code = code;
    }

    static LossName of(int code) {
      for (LossName l : values()) {
        if (l.code == code) {
          return l;
        }
      }
      return null;
    }

    /** The name fastText's CLI uses ({@code hs}, {@code ns}, {@code softmax}, {@code ova}). */
    public String cliName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** fastText's {@code model_name}, numbered as in its file format. */
  public enum ModelName {
    CBOW(1),
    SKIPGRAM(2),
    SUPERVISED(3);

    final int code;

    ModelName(int code) {
      this.code = code;
    }

    static ModelName of(int code) {
      for (ModelName m : values()) {
        if (m.code == code) {
          return m;
        }
      }
      return null;
    }
  }

  /**
   * Returns a copy with char n-grams switched off, as fastText does for version-11 supervised
   * models.
   */
  FastTextArgs withoutCharNgrams() {
    return new FastTextArgs(
        dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, 0, lrUpdateRate, t);
  }
}
