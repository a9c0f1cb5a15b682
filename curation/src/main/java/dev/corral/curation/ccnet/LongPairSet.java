package dev.corral.curation.ccnet;

/**
 * An exact set of (long, long) pairs in two primitive arrays with open addressing: 16 bytes a slot,
 * no boxing. {@link LineDeduplicator} keeps one per partition for the (document fingerprint, line
 * hash) pairs that are duplicates, so its memory is that of the partition's duplicate lines, not of
 * the whole group's hashes.
 */
final class LongPairSet {
  private final long[] firsts;
  private final long[] seconds;
  private final boolean[] used;
  private final int mask;
  private int size;

  LongPairSet(int expected) {
    int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    firsts = new long[capacity];
    seconds = new long[capacity];
    used = new boolean[capacity];
    mask = capacity - 1;
  }

  void add(long a, long b) {
    int i = slot(a, b);
    while (used[i]) {
      if (firsts[i] == a && seconds[i] == b) {
        return;
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    firsts[i] = a;
    seconds[i] = b;
    size++;
  }

  boolean contains(long a, long b) {
    int i = slot(a, b);
    while (used[i]) {
      if (firsts[i] == a && seconds[i] == b) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  int size() {
    return size;
  }

  private int slot(long a, long b) {
    // Line hashes are already uniform SHA-1 bits; the mix spreads fingerprints that differ in few
    // bits.
    long h = (a * 0x9E3779B97F4A7C15L) ^ b;
    h ^= h >>> 29;
    return (int) h & mask;
  }
}
