package dev.corral.curation.fasttext;

import java.io.IOException;
import java.io.InputStream;

/**
 * fastText's {@code test} command: precision and recall at k over a labelled file, counting only
 * lines that have both a label and a word, as its {@code Meter} does.
 *
 * @param examples lines evaluated (N)
 * @param precision correct predictions / predictions (P@k)
 * @param recall correct predictions / gold labels (R@k)
 */
public record Evaluation(long examples, double precision, double recall) {

  /** Predicts the top {@code k} labels at {@code threshold} for every line of {@code in}. */
  public static Evaluation of(FastTextModel model, InputStream in, int k, float threshold)
      throws IOException {
    Predictor p = model.newPredictor();
    LineEncoder gold = new LineEncoder(model.dict, Dictionary.LABEL_PREFIX);
    long examples = 0;
    long goldLabels = 0;
    long predicted = 0;
    long correct = 0;
    byte[] all = in.readAllBytes();
    int start = 0;
    while (start < all.length) {
      int nl = start;
      while (nl < all.length && all[nl] != '\n') {
        nl++;
      }
      boolean newline = nl < all.length;
      int from = start;
      do {
        int next = gold.encode(all, from, nl, newline);
        if (gold.labels.size > 0 && gold.ids.size > 0) {
          p.predict(all, from, nl, newline, k, threshold);
          examples++;
          goldLabels += gold.labels.size;
          predicted += p.count();
          for (int i = 0; i < p.count(); i++) {
            if (contains(gold.labels, p.labelId(i))) {
              correct++;
            }
          }
        }
        from = next;
      } while (from >= 0 && (newline || from < nl));
      start = nl + 1;
    }
    return new Evaluation(
        examples,
        predicted == 0 ? Double.NaN : (double) correct / predicted,
        goldLabels == 0 ? Double.NaN : (double) correct / goldLabels);
  }

  private static boolean contains(IntList list, int value) {
    for (int i = 0; i < list.size; i++) {
      if (list.data[i] == value) {
        return true;
      }
    }
    return false;
  }

  /** The three lines {@code fasttext test} prints. */
  public String format(int k) {
    return "N\t"
        + examples
        + "\nP@"
        + k
        + "\t"
        + CFormat.g(precision, 3)
        + "\nR@"
        + k
        + "\t"
        + CFormat.g(recall, 3)
        + "\n";
  }
}
