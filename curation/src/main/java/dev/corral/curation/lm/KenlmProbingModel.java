package dev.corral.curation.lm;

import java.nio.charset.StandardCharsets;

/**
 * A KenLM binary model with probing hash tables (see {@link KenlmBinary} for the file), queried in
 * place the way KenLM's {@code ProbingModel} queries it, so that scores are KenLM's to the bit.
 *
 * <p>An n-gram {@code w1 .. wk} is found by its key {@code combine(..combine(combine(wk, wk-1),
 * wk-2).., w1)}, built from the predicted word leftwards, in the table of order {@code k}: a
 * linear-probing table whose slot is the key modulo its bucket count and whose empty slots have key
 * 0. Unigrams are indexed by word id. A probability's sign bit is cleared when a longer n-gram ends
 * with this one ("extends left"), so a search for the longest match stops at the first n-gram that
 * does not extend; probabilities are read back with the sign set. Blank n-grams that KenLM inserted
 * for pruned suffixes carry their backed-off probability, so they are matches like any other, as in
 * KenLM.
 *
 * <p>Immutable and safe to share between threads (the buffers are only read, by absolute offset).
 */
final class KenlmProbingModel extends NgramModel {
  private static final int SIGN = 0x80000000;

  private final ModelBytes bytes;
  private final int bound;
  // Entries: key (8) + word id (4).
  private final ProbingTable vocabulary;
  private final long unigrams;
  private final int weightBytes;
  // Orders 2..N-1; entries: key (8) + weights.
  private final ProbingTable[] middles;
  // Entries: key (8) + probability (4).
  private final ProbingTable longest;
  private final int bos;
  private final int eos;

  KenlmProbingModel(
      String source,
      ModelBytes bytes,
      long[] counts,
      int bound,
      long vocabulary,
      long vocabularyBuckets,
      long unigrams,
      int weightBytes,
      long[] middles,
      long[] middleBuckets,
      long longest,
      long longestBuckets) {
    super(source, counts);
    this.bytes = bytes;
    this.bound = bound;
    this.vocabulary = new ProbingTable(bytes, source, vocabulary, vocabularyBuckets, 12);
    this.unigrams = unigrams;
    this.weightBytes = weightBytes;
    this.middles = new ProbingTable[middles.length];
    for (int i = 0; i < middles.length; i++) {
      this.middles[i] =
          new ProbingTable(bytes, source, middles[i], middleBuckets[i], 8 + weightBytes);
    }
    this.longest = new ProbingTable(bytes, source, longest, longestBuckets, 12);
    this.bos = wordId(BOS);
    this.eos = wordId(EOS);
  }

  @Override
  public int vocabularySize() {
    return bound;
  }

  @Override
  public boolean contains(String word) {
    return word.equals(UNK) || wordId(word) != 0;
  }

  @Override
  int bos() {
    return bos;
  }

  @Override
  int eos() {
    return eos;
  }

  /** The word's id, 0 ({@code <unk>}) when the vocabulary does not hold it. */
  @Override
  int wordId(String word) {
    long key = KenlmBinary.murmurHash64A(word.getBytes(StandardCharsets.UTF_8));
    long at = vocabulary.find(key);
    return at < 0 ? 0 : bytes.getInt(at + 8);
  }

  @Override
  float wordScore(int[] context, int length, int word, Backoffs backoffs) {
    int order = order();
    // The longest match, from the unigram leftwards (KenLM's ScoreExceptBackoff).
    long unigram = unigrams + (long) word * weightBytes;
    int stored = Float.floatToRawIntBits(bytes.getFloat(unigram));
    float p = Float.intBitsToFloat(stored | SIGN);
    if (order > 1) {
      backoffs.found(1, bytes.getFloat(unigram + 4));
    }
    boolean independentLeft = stored < 0;
    int matched = 1;
    long node = word;
    for (int k = 2; k <= length + 1 && !independentLeft; k++) {
      node = combine(node, context[length - k + 1]);
      if (k == order) {
        long at = longest.find(node);
        if (at >= 0) {
          p = bytes.getFloat(at + 8);
          matched = k;
        }
        break;
      }
      long at = middles[k - 2].find(node);
      if (at < 0) {
        break;
      }
      stored = Float.floatToRawIntBits(bytes.getFloat(at + 8));
      p = Float.intBitsToFloat(stored | SIGN);
      backoffs.found(k, bytes.getFloat(at + 12));
      independentLeft = stored < 0;
      matched = k;
    }
    // The back-offs of every context at least as long as the match, shortest first (KenLM's
    // FullScore adds the ones its state kept).
    return backOff(p, matched, length, backoffs);
  }

  /** KenLM's {@code CombineWordHash}: the key of an n-gram extended one word to the left. */
  static long combine(long current, int next) {
    return (current * 8978948897894561157L)
        ^ ((1L + Integer.toUnsignedLong(next)) * -551886589553063673L);
  }
}
