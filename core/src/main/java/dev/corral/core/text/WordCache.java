package dev.corral.core.text;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What a tokenizer computed for the words it saw lately (subword rows, pieces), so that a word a
 * text repeats is worked out once: a direct-mapped table from a word's bytes to an {@code int[]},
 * indexed by the word's hash, a new word replacing the one in its slot. Words are compared byte for
 * byte, so a hash collision only costs a miss. Not thread-safe: one per thread.
 *
 * <p>A slot keeps its word's length and first 16 bytes in flat arrays beside the other slots, so
 * looking up a short word reads no object but the value it returns.
 */
public final class WordCache {
  private static final int HEAD = 16;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int mask;
  private final int maxWordBytes;
  // Slot i: lengths[i] is the word's length + 1 (0: empty), heads[2i, 2i + 2) its first 16 bytes
  // (zero-padded, little-endian), tails[i] the bytes after them (null for a word of <= 16 bytes).
  private final int[] lengths;
  private final long[] heads;
  private final byte[][] tails;
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
    this.lengths = new int[1 << slotBits];
    this.heads = new long[2 << slotBits];
    this.tails = new byte[1 << slotBits][];
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
    int length = to - from;
    if (lengths[slot] != length + 1
        || heads[2 * slot] != head(s, from, length)
        || heads[2 * slot + 1] != head(s, from + 8, length - 8)) {
      return null;
    }
    return length <= HEAD || Arrays.equals(tails[slot], 0, length - HEAD, s, from + HEAD, to)
        ? values[slot]
        : null;
  }

  /** Keeps {@code value} (not copied) for the word {@code s[from, to)}, if it is short enough. */
  public void put(byte[] s, int from, int to, int hash, int[] value) {
    int length = to - from;
    if (!keeps(length)) {
      return;
    }
    int slot = hash & mask;
    lengths[slot] = length + 1;
    heads[2 * slot] = head(s, from, length);
    heads[2 * slot + 1] = head(s, from + 8, length - 8);
    tails[slot] = length > HEAD ? Arrays.copyOfRange(s, from + HEAD, to) : null;
    values[slot] = value;
  }

  /** The first {@code min(n, 8)} bytes at {@code s[at]} as a little-endian long (0 when n <= 0). */
  private static long head(byte[] s, int at, int n) {
    if (n <= 0) {
      return 0;
    }
    if (at + 8 <= s.length) {
      long v = (long) LONG_LE.get(s, at);
      return n >= 8 ? v : v & ((1L << (8 * n)) - 1);
    }
    long v = 0;
    for (int i = Math.min(n, 8) - 1; i >= 0; i--) {
      v = (v << 8) | (s[at + i] & 0xFF);
    }
    return v;
  }
}
