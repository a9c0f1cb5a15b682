package dev.corral.curation.lm;

import dev.corral.core.Errors;
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
  private final long vocabulary;
  private final long vocabularyBuckets;
  private final long unigrams;
  private final int weightBytes;
  // Middle orders 2..N-1: table offset and bucket count; entries are key (8) + weights.
  private final long[] middles;
  private final long[] middleBuckets;
  private final int middleEntry;
  private final long longest;
  private final long longestBuckets;
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
    this.vocabulary = vocabulary;
    this.vocabularyBuckets = vocabularyBuckets;
    this.unigrams = unigrams;
    this.weightBytes = weightBytes;
    this.middles = middles;
    this.middleBuckets = middleBuckets;
    this.middleEntry = 8 + weightBytes;
    this.longest = longest;
    this.longestBuckets = longestBuckets;
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
    long at = find(vocabulary, vocabularyBuckets, 12, key);
    return at < 0 ? 0 : bytes.getInt(at + 8);
  }

  @Override
  float wordScore(int[] context, int length, int word) {
    int order = order();
    // The longest match, from the unigram leftwards (KenLM's ScoreExceptBackoff).
    int stored = Float.floatToRawIntBits(bytes.getFloat(unigrams + (long) word * weightBytes));
    float p = Float.intBitsToFloat(stored | SIGN);
    boolean independentLeft = stored < 0;
    int matched = 1;
    long node = word;
    for (int k = 2; k <= length + 1 && !independentLeft; k++) {
      node = combine(node, context[length - k + 1]);
      if (k == order) {
        long at = find(longest, longestBuckets, 12, node);
        if (at >= 0) {
          p = bytes.getFloat(at + 8);
          matched = k;
        }
        break;
      }
      long at = find(middles[k - 2], middleBuckets[k - 2], middleEntry, node);
      if (at < 0) {
        break;
      }
      stored = Float.floatToRawIntBits(bytes.getFloat(at + 8));
      p = Float.intBitsToFloat(stored | SIGN);
      independentLeft = stored < 0;
      matched = k;
    }
    // The back-offs of every context at least as long as the match, shortest first, while the
    // model holds the context (KenLM's FullScore adds the ones its state kept, the same values).
    if (length >= matched) {
      int last = context[length - 1];
      long ctx = last;
      for (int j = 1; j <= length; j++) {
        float backoff;
        if (j == 1) {
          backoff = bytes.getFloat(unigrams + (long) last * weightBytes + 4);
        } else {
          ctx = combine(ctx, context[length - j]);
          long at = find(middles[j - 2], middleBuckets[j - 2], middleEntry, ctx);
          if (at < 0) {
            break;
          }
          backoff = bytes.getFloat(at + 12);
        }
        if (j >= matched) {
          p += backoff;
        }
      }
    }
    return p;
  }

  /** KenLM's {@code CombineWordHash}: the key of an n-gram extended one word to the left. */
  static long combine(long current, int next) {
    return (current * 8978948897894561157L)
        ^ ((1L + Integer.toUnsignedLong(next)) * -551886589553063673L);
  }

  /**
   * The offset of the entry whose key is {@code key} in the probing table at {@code table}, or -1.
   */
  private long find(long table, long buckets, int entry, long key) {
    long slot = Long.remainderUnsigned(key, buckets);
    for (long probes = 0; probes < buckets; probes++) {
      long at = table + slot * entry;
      long got = bytes.getLong(at);
      if (got == key) {
        return at;
      }
      if (got == 0) {
        return -1;
      }
      if (++slot == buckets) {
        slot = 0;
      }
    }
    // KenLM always leaves an empty bucket; a table without one was not written by build_binary.
    throw Errors.badKenlmBinary(
        source(), "the hash table at byte " + table + " has no empty bucket");
  }
}
