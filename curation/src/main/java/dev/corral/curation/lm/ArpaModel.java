package dev.corral.curation.lm;

import java.util.Arrays;

/**
 * An {@link NgramModel} read from an ARPA file, in primitive arrays.
 *
 * <p>Layout, per order {@code k}: {@code prob[k-1]} and {@code backoff[k-1]} as floats (as KenLM
 * keeps them, so sums round the same), and for {@code k >= 2} a sorted {@code long} key per n-gram:
 * the index of its suffix (the n-gram without its first word) in order {@code k-1} in the high 32
 * bits and its first word in the low 32. Keys are exact, so a lookup never mistakes one n-gram for
 * another, and extending a match one word to the left is one binary search. An n-gram costs 16
 * bytes (12 at the highest order, which has no back-off), the whole of KenLM's unquantized probing
 * payload plus an exact key. Unigrams are indexed by word id. Suffixes that an ARPA file left out
 * (SRILM pruning can) are added as blank entries whose probability is NaN and back-off 0, as KenLM
 * adds them, so a lookup passes through them to longer n-grams.
 *
 * <p>Immutable and safe to share between threads. Build one with {@link ArpaReader}.
 */
final class ArpaModel extends NgramModel {
  private final String[] words;
  private final WordIndex index;
  private final int unk;
  private final int bos;
  private final int eos;
  // prob[k-1][i], backoff[k-1][i] (k < order), keys[k-1][i] (k >= 2): see the class comment.
  private final float[][] prob;
  private final float[][] backoff;
  private final long[][] keys;

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
    this.keys = keys;
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

  /** log10 p(word | context[0..length)), the most recent context word last. */
  @Override
  float wordScore(int[] context, int length, int word) {
    // The longest n-gram ending in the word: extend left one context word at a time while the model
    // has it.
    float p = prob[0][word];
    int matched = 1;
    int at = word;
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
    }
    // Back off through every context at least as long as the match, shortest first, as KenLM adds
    // them.
    if (length >= matched) {
      int c = context[length - 1];
      for (int j = 1; j <= length; j++) {
        if (j > 1) {
          c = find(j, c, context[length - j]);
          if (c < 0) {
            break;
          }
        }
        if (j >= matched) {
          p += backoff[j - 1][c];
        }
      }
    }
    return p;
  }

  /**
   * The index in order {@code k} of the n-gram {@code first} + (the order k-1 n-gram at {@code
   * suffix}), or -1.
   */
  int find(int k, int suffix, int first) {
    int i = Arrays.binarySearch(keys[k - 1], key(suffix, first));
    return i < 0 ? -1 : i;
  }

  static long key(int suffix, int first) {
    return ((long) suffix << 32) | (first & 0xffffffffL);
  }

  /**
   * Bytes of the n-gram arrays (keys, probabilities, back-offs), without the vocabulary's strings.
   */
  public long ngramBytes() {
    long bytes = 0;
    for (int k = 1; k <= order(); k++) {
      bytes += 4L * prob[k - 1].length;
      bytes += k < order() ? 4L * backoff[k - 1].length : 0;
      bytes += k >= 2 ? 8L * keys[k - 1].length : 0;
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
