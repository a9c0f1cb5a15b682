package dev.corral.curation.sentencepiece;

import java.util.Arrays;

/**
 * The rank of each merge of a Hugging Face BPE model, keyed by the ids of its two pieces: the order
 * in which the {@code tokenizers} library merges, which is by pair, not by the piece a pair makes
 * (several pairs make one piece, and their ranks need not be adjacent). An open-addressing table of
 * {@code left << 32 | right}.
 */
final class MergeRanks {
  private static final long EMPTY = -1;

  private final long[] keys;
  private final int[] ranks;
  private final int mask;

  /** A table for up to {@code merges} merges. */
  MergeRanks(int merges) {
    int capacity = Integer.highestOneBit(Math.max(4, merges * 2 + 1)) << 1;
    keys = new long[capacity];
    ranks = new int[capacity];
    mask = capacity - 1;
    Arrays.fill(keys, EMPTY);
  }

  /** Records that {@code left, right} merge at {@code rank}; false if they already had a rank. */
  boolean put(int left, int right, int rank) {
    long key = key(left, right);
    int h = slot(key);
    while (keys[h] != EMPTY && keys[h] != key) {
      h = (h + 1) & mask;
    }
    if (keys[h] == key) {
      return false;
    }
    keys[h] = key;
    ranks[h] = rank;
    return true;
  }

  /** The rank of merging pieces {@code left} and {@code right}, or -1 when no merge joins them. */
  int rank(int left, int right) {
    if (left < 0 || right < 0) {
      return -1;
    }
    long key = key(left, right);
    for (int h = slot(key); ; h = (h + 1) & mask) {
      long k = keys[h];
      if (k == key) {
        return ranks[h];
      }
      if (k == EMPTY) {
        return -1;
      }
    }
  }

  private static long key(int left, int right) {
    return (long) left << 32 | (right & 0xffffffffL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }
}
