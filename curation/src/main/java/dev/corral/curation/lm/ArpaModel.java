package dev.corral.curation.lm;

import java.util.Arrays;

/**
 * An {@link NgramModel} read from an ARPA file, in primitive arrays.
 *
 * <p>Layout, per order {@code k}: {@code prob[k-1]} and {@code backoff[k-1]} as floats (as KenLM
 * keeps them, so sums round the same), and for {@code k >= 2} the n-grams sorted by their suffix
 * (the n-gram without its first word, an index into order {@code k-1}) then their first word:
 * {@code firstWord[k-1]} holds each one's first word, and {@code start[k-1][s]} where the n-grams
 * of suffix {@code s} begin, as a sparse matrix's compressed rows do. Extending a match one word to
 * the left is two reads and a binary search among the few n-grams that share the suffix, and the
 * match is exact. An n-gram costs at most 16 bytes (8 at the highest order, which has no back-off
 * and is no one's suffix), against KenLM's 16 for its unquantized probing tables. Unigrams are
 * indexed by word id. Suffixes that an ARPA file left out (SRILM pruning can) are added as blank
 * entries whose probability is NaN and back-off 0, as KenLM adds them, so a lookup passes through
 * them to longer n-grams.
 *
 * <p>Immutable and safe to share between threads. Build one with {@link ArpaReader}.
 */
final class ArpaModel extends NgramModel {
  private final String[] words;
  private final WordIndex index;
  private final int unk;
  private final int bos;
  private final int eos;
  // prob[k-1][i], backoff[k-1][i] (k < order), firstWord[k-1][i] and start[k-1][s] (k >= 2): see
  // the class comment.
  private final float[][] prob;
  private final float[][] backoff;
  private final int[][] firstWord;
  private final int[][] start;

  ArpaModel(
      String source,
      String[] words,
      WordIndex index,
      long[] counts,
      float[][] prob,
      float[][] backoff,
      long[][] keys) {
    super(source, counts);
    this.words = words;
    this.index = index;
    this.prob = prob;
    this.backoff = backoff;
    this.firstWord = new int[keys.length][];
    this.start = new int[keys.length][];
    for (int k = 2; k <= keys.length; k++) {
      firstWord[k - 1] = new int[keys[k - 1].length];
      start[k - 1] = new int[prob[k - 2].length + 1];
      for (int i = 0; i < keys[k - 1].length; i++) {
        long key = keys[k - 1][i];
        firstWord[k - 1][i] = (int) key;
        start[k - 1][(int) (key >>> 32) + 1]++;
      }
      for (int s = 1; s < start[k - 1].length; s++) {
        start[k - 1][s] += start[k - 1][s - 1];
      }
    }
    this.unk = index.get(UNK);
    this.bos = index.get(BOS);
    this.eos = index.get(EOS);
  }

  /** Words in the vocabulary, {@code <unk>}, {@code <s>} and {@code </s>} included. */
  @Override
  public int vocabularySize() {
    return words.length;
  }

  /** Whether {@code word} is in the vocabulary (an unknown word is scored as {@code <unk>}). */
  @Override
  public boolean contains(String word) {
    return index.get(word) >= 0;
  }

  @Override
  int bos() {
    return bos;
  }

  @Override
  int eos() {
    return eos;
  }

  /** The id of {@code word}, or {@code <unk>}'s. */
  @Override
  int wordId(String word) {
    int id = index.get(word);
    return id < 0 ? unk : id;
  }

  @Override
  float wordScore(int[] context, int length, int word, Backoffs backoffs) {
    // The longest n-gram ending in the word: extend left one context word at a time while the model
    // has it.
    int contexts = order() - 1;
    float p = prob[0][word];
    int matched = 1;
    int at = word;
    if (contexts >= 1) {
      backoffs.found(1, backoff[0][word]);
    }
    for (int k = 2; k <= length + 1; k++) {
      at = find(k, at, context[length - k + 1]);
      if (at < 0) {
        break;
      }
      float q = prob[k - 1][at];
      if (!Float.isNaN(q)) {
        p = q;
        matched = k;
      }
      if (k <= contexts) {
        backoffs.found(k, backoff[k - 1][at]);
      }
    }
    // Back off through every context at least as long as the match, shortest first, as KenLM adds
    // them.
    return backOff(p, matched, length, backoffs);
  }

  /**
   * The index in order {@code k} of the n-gram {@code first} + (the order k-1 n-gram at {@code
   * suffix}), or -1.
   */
  int find(int k, int suffix, int first) {
    int[] rows = start[k - 1];
    int i = Arrays.binarySearch(firstWord[k - 1], rows[suffix], rows[suffix + 1], first);
    return i < 0 ? -1 : i;
  }

  /** The n-gram key {@link ArpaReader} sorts by: the suffix's index, then the first word. */
  static long key(int suffix, int first) {
    return ((long) suffix << 32) | (first & 0xffffffffL);
  }

  /**
   * Bytes of the n-gram arrays (first words and row starts, probabilities, back-offs), without the
   * vocabulary's strings.
   */
  public long ngramBytes() {
    long bytes = 0;
    for (int k = 1; k <= order(); k++) {
      bytes += 4L * prob[k - 1].length;
      bytes += k < order() ? 4L * backoff[k - 1].length : 0;
      bytes += k >= 2 ? 4L * firstWord[k - 1].length + 4L * start[k - 1].length : 0;
    }
    return bytes;
  }

  /**
   * Bytes of the vocabulary: its hash table plus each word as a compact Latin-1 or UTF-16 Java
   * string.
   */
  public long vocabularyBytes() {
    long bytes = index.tableBytes() + 4L * words.length;
    for (String w : words) {
      boolean latin1 = w.chars().allMatch(c -> c < 256);
      bytes +=
          24 + 16 + (long) w.length() * (latin1 ? 1 : 2); // String header + byte[] header + bytes
    }
    return bytes;
  }
}
