package dev.corral.curation.sentencepiece;

import java.util.Arrays;

/**
 * A byte trie from pieces (UTF-8) to their ids, walked one byte at a time: the Viterbi search asks
 * for every piece that starts at a position, BPE for whether a merged symbol is a piece. Children
 * live in one open-addressing table keyed by {@code node << 8 | byte}; the root's in a plain array.
 */
final class PieceTrie {
  private static final long EMPTY = -1L;

  private final int[] rootChildren = new int[256];
  private long[] keys;
  private int[] children;
  private int[] values; // per node: the piece id ending there, or -1
  private int nodes = 1;
  private int entries;
  private int mask;

  PieceTrie() {
    Arrays.fill(rootChildren, -1);
    keys = new long[64];
    Arrays.fill(keys, EMPTY);
    children = new int[64];
    mask = 63;
    values = new int[16];
    Arrays.fill(values, -1);
  }

  void put(byte[] piece, int id) {
    int node = 0;
    for (byte b : piece) {
      int next = child(node, b & 0xff);
      if (next < 0) {
        next = addNode();
        link(node, b & 0xff, next);
      }
      node = next;
    }
    values[node] = id;
  }

  /** The child of {@code node} by {@code b} (0-255), or -1. */
  int child(int node, int b) {
    if (node == 0) {
      return rootChildren[b];
    }
    long key = ((long) node << 8) | b;
    int h = hash(key) & mask;
    while (true) {
      long k = keys[h];
      if (k == key) {
        return children[h];
      }
      if (k == EMPTY) {
        return -1;
      }
      h = (h + 1) & mask;
    }
  }

  /** The id of the piece that ends at {@code node}, or -1. */
  int value(int node) {
    return values[node];
  }

  /** The id of the piece {@code bytes[from, from + length)}, or -1. */
  int get(byte[] bytes, int from, int length) {
    int node = 0;
    for (int i = from, end = from + length; i < end; i++) {
      node = child(node, bytes[i] & 0xff);
      if (node < 0) {
        return -1;
      }
    }
    return values[node];
  }

  /** The length of the longest piece that is a prefix of {@code bytes[from, to)}, or 0. */
  int longestPrefix(byte[] bytes, int from, int to) {
    int node = 0;
    int longest = 0;
    for (int i = from; i < to; i++) {
      node = child(node, bytes[i] & 0xff);
      if (node < 0) {
        break;
      }
      if (values[node] >= 0) {
        longest = i + 1 - from;
      }
    }
    return longest;
  }

  private int addNode() {
    if (nodes == values.length) {
      int old = values.length;
      values = Arrays.copyOf(values, old * 2);
      Arrays.fill(values, old, values.length, -1);
    }
    return nodes++;
  }

  private void link(int node, int b, int next) {
    if (node == 0) {
      rootChildren[b] = next;
      return;
    }
    if ((entries + 1) * 2 > keys.length) {
      grow();
    }
    insert(((long) node << 8) | b, next);
    entries++;
  }

  private void insert(long key, int value) {
    int h = hash(key) & mask;
    while (keys[h] != EMPTY) {
      h = (h + 1) & mask;
    }
    keys[h] = key;
    children[h] = value;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldChildren = children;
    keys = new long[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    children = new int[keys.length];
    mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        insert(oldKeys[i], oldChildren[i]);
      }
    }
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
