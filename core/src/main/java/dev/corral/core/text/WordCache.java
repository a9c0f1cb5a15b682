package dev.corral.core.text;

import java.util.Arrays;

/**
 * What a tokenizer computed for the words it saw lately (subword rows, pieces), so that a word a
 * text repeats is worked out once: a direct-mapped table from a word's bytes to an {@code int[]},
 * indexed by the word's hash, a new word replacing the one in its slot. Words are compared byte for
 * byte, so a hash collision only costs a miss. Not thread-safe: one per thread.
 */
public final class WordCache {
  private final int mask;
  private final int maxWordBytes;
  private final byte[][] words;
  private final int[][] values;

  /**
   * A cache of {@code 2^slotBits} slots that keeps words of at most {@code maxWordBytes} bytes
   * (longer tokens, URLs or base64, are rarely seen twice).
   */
  public WordCache(int slotBits, int maxWordBytes) {
    if (slotBits < 1 || slotBits > 24 || maxWordBytes < 1) {
      throw new IllegalArgumentException(
          "WordCache: slotBits " + slotBits + " (1 to 24), maxWordBytes " + maxWordBytes);
    }
    this.mask = (1 << slotBits) - 1;
    this.maxWordBytes = maxWordBytes;
    this.words = new byte[1 << slotBits][];
    this.values = new int[1 << slotBits][];
  }

  /** FNV-1a over {@code s[from, to)}, for callers with no hash of their own. */
  public static int hash(byte[] s, int from, int to) {
    int h = 0x811c9dc5;
    for (int i = from; i < to; i++) {
      h = (h ^ s[i]) * 16777619;
    }
    return h;
  }

  /** Whether a word of this many bytes is kept. */
  public boolean keeps(int wordBytes) {
    return wordBytes <= maxWordBytes;
  }

  /** The value kept for the word {@code s[from, to)} whose hash is {@code hash}, or null. */
  public int[] get(byte[] s, int from, int to, int hash) {
    int slot = hash & mask;
    byte[] word = words[slot];
    return word != null && Arrays.equals(word, 0, word.length, s, from, to) ? values[slot] : null;
  }

  /** Keeps {@code value} (not copied) for the word {@code s[from, to)}, if it is short enough. */
  public void put(byte[] s, int from, int to, int hash, int[] value) {
    if (!keeps(to - from)) {
      return;
    }
    int slot = hash & mask;
    words[slot] = Arrays.copyOfRange(s, from, to);
    values[slot] = value;
  }
}
