package dev.corral.curation.fasttext;

import java.util.Arrays;

/**
 * The char n-gram rows of recently seen out-of-vocabulary words, so that a word a text repeats is
 * hashed once: a direct-mapped table indexed by the word's FNV hash, a new word replacing the one
 * in its slot. The rows are the ones {@link Dictionary#computeSubwords} gives, in its order, so
 * predictions stay bit for bit fastText's. Not thread-safe: one per {@link LineEncoder}.
 */
final class SubwordCache {
  /** 16,384 slots: a few MB at most, and most of a language's running words. */
  private static final int SLOTS = 1 << 14;

  /** Longer tokens (URLs, base64) are rarely seen twice and are not kept. */
  static final int MAX_WORD_BYTES = 48;

  private final byte[][] words = new byte[SLOTS][];
  private final int[][] rows = new int[SLOTS][];

  /** The rows kept for the word {@code s[from, to)} whose FNV hash is {@code hash}, or null. */
  int[] get(byte[] s, int from, int to, int hash) {
    int slot = hash & (SLOTS - 1);
    byte[] word = words[slot];
    return word != null && Arrays.equals(word, 0, word.length, s, from, to) ? rows[slot] : null;
  }

  /** Keeps {@code ids[start, end)} as the rows of the word {@code s[from, to)}. */
  void put(byte[] s, int from, int to, int hash, int[] ids, int start, int end) {
    if (to - from > MAX_WORD_BYTES) {
      return;
    }
    int slot = hash & (SLOTS - 1);
    words[slot] = Arrays.copyOfRange(s, from, to);
    rows[slot] = Arrays.copyOfRange(ids, start, end);
  }
}
