package dev.corral.curation.fasttext;

import dev.corral.core.Errors;

/**
 * Predicts labels for lines of raw bytes exactly as fastText's {@code predictLine} does. Holds the
 * per-line buffers, so it is cheap to call and not thread-safe: take one per thread from {@link
 * FastTextModel#newPredictor()}.
 */
public final class Predictor {
  /** Asks for every label, like fastText's {@code k = -1}. */
  public static final int ALL_LABELS = -1;

  private final FastTextModel model;
  private final float[] hidden;
  private final float[] output;
  private final LineEncoder encoder;
  private final TopK heap = new TopK(8);

  Predictor(FastTextModel model) {
    this.model = model;
    this.encoder = new LineEncoder(model.dict, Dictionary.LABEL_PREFIX);
    this.hidden = new float[model.args().dim()];
    this.output = new float[Math.max(1, model.loss.outputSize())];
  }

  /**
   * Predicts one line: the tokens of {@code line[from, to)}, followed by the end-of-sentence token
   * when {@code newline} says the line ended with '\n'. Like fastText, a literal {@code </s>} token
   * ends the prediction early: the return value is then the offset right after it (the caller
   * predicts the rest as a line of its own); otherwise it is -1.
   */
  public int predict(byte[] line, int from, int to, boolean newline, int k, float threshold) {
    if (k == ALL_LABELS) {
      k = (int) model.loss.wo.rows();
    } else if (k <= 0) {
      throw Errors.badArgument("k", k, "1 or higher, or -1 for all labels");
    }
    heap.reset(k);
    int next = encoder.encode(line, from, to, newline);
    if (encoder.ids.size > 0) {
      computeHidden();
      model.loss.predict(k, threshold, hidden, output, heap);
    }
    return next;
  }

  private void computeHidden() {
    java.util.Arrays.fill(hidden, 0f);
    Matrix wi = model.wi;
    IntList ids = encoder.ids;
    for (int i = 0; i < ids.size; i++) {
      wi.addRowTo(hidden, ids.data[i]);
    }
    float scale = (float) (1.0 / ids.size);
    for (int j = 0; j < hidden.length; j++) {
      hidden[j] *= scale;
    }
  }

  /** Number of labels predicted for the last line. */
  public int count() {
    return heap.size;
  }

  /** Label index (into {@link FastTextModel#label(int)}) of the i-th best prediction. */
  public int labelId(int i) {
    return heap.ids[i];
  }

  /**
   * Probability of the i-th best prediction, as fastText reports it ({@code exp} of its log score).
   */
  public float probability(int i) {
    return Loss.expf(heap.scores[i]);
  }
}
