package dev.corral.curation.sentencepiece;

/**
 * A Darts-clone double-array trie as SentencePiece stores it in a precompiled normalization
 * charsmap: 32-bit little-endian units, each holding a label, an offset to its children and a leaf
 * flag. Only lookup is needed (the trie comes built in the model). Every index is bounds-checked,
 * so a corrupt trie yields no match instead of an exception.
 */
final class DoubleArray {
  private final int[] units;

  DoubleArray(int[] units) {
    this.units = units;
  }

  /**
   * The longest key that is a prefix of {@code key[from, to)}: {@code value << 32 | length}, or 0
   * when none is (every key has a length of at least one byte).
   */
  long longestPrefix(byte[] key, int from, int to) {
    if (units.length == 0) {
      return 0;
    }
    int nodePos = offset(units[0]);
    long longest = 0;
    for (int i = from; i < to; i++) {
      int c = key[i] & 0xff;
      nodePos ^= c;
      if (nodePos >= units.length) {
        return longest;
      }
      int unit = units[nodePos];
      if ((unit & 0x800000ff) != c) { // a leaf unit's label has the top bit set, so never matches
        return longest;
      }
      nodePos ^= offset(unit);
      if (((unit >>> 8) & 1) == 1) {
        if (nodePos >= units.length) {
          return longest;
        }
        int value = units[nodePos] & 0x7fffffff;
        longest = ((long) value << 32) | (i + 1 - from);
      }
    }
    return longest;
  }

  private static int offset(int unit) {
    return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
  }
}
