package dev.corral.inference.llama;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits as Hugging Face's sampling does: divide by the temperature, keep
 * the {@code topK} most likely tokens, keep the smallest most-likely set whose probability reaches
 * {@code topP}, renormalise, draw. Temperature 0 is greedy (argmax, first index on ties).
 */
final class Sampler {
  private final double temperature;
  private final int topK;
  private final double topP;

  Sampler(double temperature, int topK, double topP) {
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
  }

  boolean greedy() {
    return temperature == 0;
  }

  /** The next token from {@code logits[from, from + vocab)}. */
  int sample(float[] logits, int from, int vocab, SplittableRandom rng) {
    if (greedy()) {
      int best = 0;
      for (int v = 1; v < vocab; v++) {
        if (logits[from + v] > logits[from + best]) {
          best = v;
        }
      }
      return best;
    }
    Integer[] order = new Integer[vocab];
    for (int v = 0; v < vocab; v++) {
      order[v] = v;
    }
    Arrays.sort(
        order, (a, b) -> Float.compare(logits[from + b], logits[from + a])); // most likely first
    int keep = topK > 0 ? Math.min(topK, vocab) : vocab;
    double max = logits[from + order[0]] / temperature;
    double[] p = new double[keep];
    double sum = 0;
    for (int i = 0; i < keep; i++) {
      p[i] = Math.exp(logits[from + order[i]] / temperature - max);
      sum += p[i];
    }
    if (topP < 1) {
      double cumulative = 0;
      int n = 0;
      while (n < keep) {
        cumulative += p[n] / sum;
        n++;
        if (cumulative >= topP) {
          break;
        }
      }
      keep = n;
      sum = 0;
      for (int i = 0; i < keep; i++) {
        sum += p[i];
      }
    }
    double u = rng.nextDouble() * sum;
    for (int i = 0; i < keep; i++) {
      u -= p[i];
      if (u < 0) {
        return order[i];
      }
    }
    return order[keep - 1];
  }
}
