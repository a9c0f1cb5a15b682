package dev.corral.curation.fasttext;

import dev.corral.core.Errors;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * fastText's dictionary: words then labels, their counts, the char n-gram ids of every word, and
 * the map from hashed n-gram buckets to rows of a pruned (quantized with cutoff) input matrix.
 * Tokens are raw bytes, as in fastText, so invalid UTF-8 hashes and matches exactly as it does
 * there.
 */
final class Dictionary {
  static final byte[] EOS = "</s>".getBytes(StandardCharsets.US_ASCII);
  static final byte[] LABEL_PREFIX = "__label__".getBytes(StandardCharsets.US_ASCII);
  static final byte BOW = '<';
  static final byte EOW = '>';
  static final byte TYPE_WORD = 0;
  static final byte TYPE_LABEL = 1;
  private static final int MAX_WORD_BYTES = 1 << 20;

  final byte[][] words;
  final long[] counts;
  final byte[] types;
  final int nwords;
  final int nlabels;
  final long ntokens;
  final int[][] subwords;
  final int minn;
  final int maxn;
  final int bucket;
  final int wordNgrams;

  /** -1: not pruned; otherwise the number of n-gram buckets kept. */
  final long pruneSize;

  private final IntIntMap pruned; // bucket id -> row among the kept buckets
  private final int[] word2int;
  // The hash of the word in each slot of word2int: a probe past another word compares ints, not
  // the word's bytes.
  private final int[] slotHash;
  final int eosId;
  final int eosHash;

  private Dictionary(
      byte[][] words,
      long[] counts,
      byte[] types,
      int nwords,
      int nlabels,
      long ntokens,
      long pruneSize,
      IntIntMap pruned,
      FastTextArgs args) {
    this.words = words;
    this.counts = counts;
    this.types = types;
    this.nwords = nwords;
    this.nlabels = nlabels;
    this.ntokens = ntokens;
    this.pruneSize = pruneSize;
    this.pruned = pruned;
    this.minn = args.minn();
    this.maxn = args.maxn();
    this.bucket = args.bucket();
    this.wordNgrams = args.wordNgrams();
    this.word2int = new int[(int) Math.ceil(words.length / 0.7)];
    this.slotHash = new int[word2int.length];
    Arrays.fill(word2int, -1);
    for (int i = 0; i < words.length; i++) {
      byte[] w = words[i];
      int h = hash(w, 0, w.length);
      int id = slot(w, 0, w.length, h);
      word2int[id] = i;
      slotHash[id] = h;
    }
    this.subwords = new int[words.length][];
    IntList ngrams = new IntList(64);
    byte[] scratch = new byte[64];
    for (int i = 0; i < words.length; i++) {
      ngrams.clear();
      ngrams.add(i);
      if (!Arrays.equals(words[i], EOS)) {
        scratch = withBoundaries(words[i], 0, words[i].length, scratch);
        computeSubwords(scratch, words[i].length + 2, ngrams);
      }
      subwords[i] = ngrams.toArray();
    }
    this.eosHash = hash(EOS, 0, EOS.length);
    this.eosId = find(EOS, 0, EOS.length, eosHash);
  }

  static Dictionary read(ModelInput in, FastTextArgs args) {
    long start = in.position();
    int size = in.readInt("dictionary size");
    int nwords = in.readInt("dictionary word count");
    int nlabels = in.readInt("dictionary label count");
    long ntokens = in.readLong("dictionary token count");
    long pruneSize = in.readLong("dictionary prune size");
    if (size < 0 || nwords < 0 || nlabels < 0 || (long) nwords + nlabels != size) {
      throw Errors.badModel(
          in.path(),
          start,
          "dictionary sizes do not add up (size "
              + size
              + ", words "
              + nwords
              + ", labels "
              + nlabels
              + ")");
    }
    if (pruneSize < -1) {
      throw Errors.badModel(in.path(), start + 20, "negative prune size " + pruneSize);
    }
    // Each entry takes at least a NUL, an 8-byte count and a 1-byte type.
    in.require(size, 10, "dictionary of " + size + " entries");
    byte[][] words = new byte[size][];
    long[] counts = new long[size];
    byte[] types = new byte[size];
    for (int i = 0; i < size; i++) {
      words[i] = in.readCString(MAX_WORD_BYTES, "dictionary entry " + i);
      counts[i] = in.readLong("count of dictionary entry " + i);
      types[i] = in.readByte("type of dictionary entry " + i);
      boolean expectLabel = i >= nwords;
      if (types[i] != (expectLabel ? TYPE_LABEL : TYPE_WORD)) {
        throw Errors.badModel(
            in.path(),
            in.position() - 1,
            "dictionary entry "
                + i
                + " has type "
                + types[i]
                + " but "
                + (expectLabel ? "labels" : "words")
                + " are expected there");
      }
    }
    IntIntMap pruned = new IntIntMap(0);
    if (pruneSize > 0) {
      in.require(pruneSize, 8, "pruned n-gram index of " + pruneSize + " entries");
      pruned = new IntIntMap((int) pruneSize);
      for (int i = 0; i < pruneSize; i++) {
        int key = in.readInt("pruned n-gram index");
        int value = in.readInt("pruned n-gram index");
        if (key < 0 || value < 0 || value >= pruneSize) {
          throw Errors.badModel(
              in.path(),
              in.position() - 8,
              "pruned n-gram index entry "
                  + i
                  + " maps bucket "
                  + key
                  + " to row "
                  + value
                  + ", outside the "
                  + pruneSize
                  + " kept rows");
        }
        pruned.put(key, value);
      }
    }
    if ((args.maxn() > 0 || args.wordNgrams() > 1) && args.bucket() <= 0) {
      throw Errors.badModel(in.path(), start, "n-grams are enabled but bucket is " + args.bucket());
    }
    return new Dictionary(words, counts, types, nwords, nlabels, ntokens, pruneSize, pruned, args);
  }

  /** A dictionary built by training: not pruned. */
  static Dictionary of(
      byte[][] words,
      long[] counts,
      byte[] types,
      int nwords,
      int nlabels,
      long ntokens,
      FastTextArgs args) {
    return new Dictionary(
        words, counts, types, nwords, nlabels, ntokens, -1, new IntIntMap(0), args);
  }

  /** Number of input-matrix rows the n-gram buckets take after the words. */
  long ngramRows() {
    return pruneSize >= 0 ? pruneSize : bucket;
  }

  boolean isPruned() {
    return pruneSize >= 0;
  }

  /** fastText's FNV-1a, which XORs each byte sign-extended (its released models depend on it). */
  static int hash(byte[] s, int from, int to) {
    int h = 0x811c9dc5;
    for (int i = from; i < to; i++) {
      h ^= s[i];
      h *= 16777619;
    }
    return h;
  }

  private int slot(byte[] s, int from, int to, int h) {
    int n = word2int.length;
    int id = Integer.remainderUnsigned(h, n);
    while (true) {
      int w = word2int[id];
      if (w == -1
          || slotHash[id] == h && Arrays.equals(words[w], 0, words[w].length, s, from, to)) {
        return id;
      }
      id = id + 1 == n ? 0 : id + 1;
    }
  }

  /** The id of the token {@code s[from, to)} whose hash is {@code h}, or -1. */
  int find(byte[] s, int from, int to, int h) {
    return word2int.length == 0 ? -1 : word2int[slot(s, from, to, h)];
  }

  static boolean isEos(byte[] s, int from, int to) {
    return Arrays.equals(s, from, to, EOS, 0, EOS.length);
  }

  /** Copies {@code s[from, to)} between '<' and '>' into scratch (grown when needed). */
  static byte[] withBoundaries(byte[] s, int from, int to, byte[] scratch) {
    int len = to - from;
    if (scratch.length < len + 2) {
      scratch = new byte[Math.max(len + 2, scratch.length * 2)];
    }
    scratch[0] = BOW;
    System.arraycopy(s, from, scratch, 1, len);
    scratch[len + 1] = EOW;
    return scratch;
  }

  /**
   * Char n-grams of minn..maxn UTF-8 characters of {@code word[0, len)}, as fastText hashes them.
   */
  void computeSubwords(byte[] word, int len, IntList out) {
    for (int i = 0; i < len; i++) {
      if ((word[i] & 0xC0) == 0x80) {
        continue;
      }
      int h = 0x811c9dc5;
      for (int j = i, n = 1; j < len && n <= maxn; n++) {
        h = (h ^ word[j]) * 16777619;
        j++;
        while (j < len && (word[j] & 0xC0) == 0x80) {
          h = (h ^ word[j]) * 16777619;
          j++;
        }
        if (n >= minn && !(n == 1 && (i == 0 || j == len))) {
          pushHash(out, Integer.remainderUnsigned(h, bucket));
        }
      }
    }
  }

  /** Word n-grams over the line's token hashes; fastText widens each hash with sign extension. */
  void addWordNgrams(IntList out, IntList hashes) {
    int[] hs = hashes.data;
    for (int i = 0; i < hashes.size; i++) {
      long h = hs[i];
      for (int j = i + 1; j < hashes.size && j < i + wordNgrams; j++) {
        h = h * 116049371L + hs[j];
        pushHash(out, (int) Long.remainderUnsigned(h, bucket));
      }
    }
  }

  private void pushHash(IntList out, int id) {
    if (pruneSize == 0 || id < 0) {
      return;
    }
    if (pruneSize > 0) {
      id = pruned.get(id);
      if (id < 0) {
        return;
      }
    }
    out.add(nwords + id);
  }

  /**
   * Counts of the labels (or of the words), in dictionary order: the hierarchical softmax tree uses
   * them.
   */
  long[] labelCounts() {
    return Arrays.copyOfRange(counts, nwords, nwords + nlabels);
  }

  long[] wordCounts() {
    return Arrays.copyOfRange(counts, 0, nwords);
  }

  byte[] labelBytes(int label) {
    return words[nwords + label];
  }
}
