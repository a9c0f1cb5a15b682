package dev.corral.curation.lm;

/**
 * What KenLM's {@code State} carries from one word to the next: the back-off weights of the n-grams
 * that end with the word just scored, shortest first. Those n-grams are the next word's contexts,
 * and the model found them while matching the word, so no context is looked up twice.
 *
 * <p>Not thread-safe: one per sentence being scored.
 */
final class Backoffs {
  private float[] previous;
  private int previousCount;
  private float[] current;
  private int currentCount;

  /**
   * @param capacity the longest context, N - 1
   */
  Backoffs(int capacity) {
    previous = new float[capacity];
    current = new float[capacity];
  }

  /** How many contexts ending with the last word the model holds (its 1..k-grams). */
  int known() {
    return previousCount;
  }

  /** The back-off of the context made of the last {@code words} words, {@code words <= known()}. */
  float of(int words) {
    return previous[words - 1];
  }

  /**
   * Records the back-off of the {@code k}-gram ending with the word being scored; {@code k} goes up
   * from 1 and stops at the model's order minus one.
   */
  void found(int k, float backoff) {
    current[k - 1] = backoff;
    currentCount = k;
  }

  /** The word being scored becomes the last word. */
  void next() {
    float[] swap = previous;
    previous = current;
    current = swap;
    previousCount = currentCount;
    currentCount = 0;
  }
}
