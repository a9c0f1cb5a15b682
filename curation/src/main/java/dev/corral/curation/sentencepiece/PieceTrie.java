package dev.corral.curation.sentencepiece;

import java.util.Arrays;

/**
 * A byte trie from pieces (UTF-8) to their ids, walked one byte at a time: the Viterbi search asks
 * for every piece that starts at a position, BPE for whether a merged symbol is a piece. While it
 * is built, children live in one open-addressing table keyed by {@code node << 8 | byte}; {@link
 * #freeze()} then packs it into a double array (two loads per byte), which is what the encoders
 * walk.
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

  // After freeze(): a double array. A node is a slot; its child by byte b is slot base[n] + b when
  // check[base[n] + b] == n; value[slot] is the piece id ending there, or -1.
  private int[] base;
  private int[] check;
  private int[] slotValue;

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
    if (base != null) {
      throw new IllegalStateException("the trie is frozen");
    }
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

  /** Packs the trie into a double array for lookup; it takes no more pieces after this. */
  void freeze() {
    if (nodes > 0xffffff) {
      throw new IllegalStateException("a trie of more than 2^24 nodes cannot be frozen");
    }
    // Each node's children, sorted by byte: edges[first[n], first[n + 1]).
    long[] edges = new long[entries + 256];
    int n = 0;
    for (int h = 0; h < keys.length; h++) {
      if (keys[h] != EMPTY) {
        edges[n++] = keys[h] << 24 | children[h]; // node, byte, child: sorted by node then byte
      }
    }
    for (int b = 0; b < 256; b++) {
      if (rootChildren[b] >= 0) {
        edges[n++] = (long) b << 24 | rootChildren[b];
      }
    }
    Arrays.sort(edges, 0, n);
    int[] first = new int[nodes + 1];
    for (int k = 0; k < n; k++) {
      first[(int) (edges[k] >>> 32) + 1]++;
    }
    for (int node = 0; node < nodes; node++) {
      first[node + 1] += first[node];
    }
    int size = 2 * nodes + 512;
    int[] newBase = new int[size];
    int[] newCheck = new int[size];
    int[] newValue = new int[size];
    Arrays.fill(newCheck, -1);
    Arrays.fill(newValue, -1);
    int[] slotOf = new int[nodes];
    int[] queue = new int[nodes];
    int head = 0;
    int tail = 0;
    queue[tail++] = 0;
    newCheck[0] = Integer.MAX_VALUE; // the root's slot is taken
    newValue[0] = values[0];
    int firstFree = 1;
    while (head < tail) {
      int node = queue[head++];
      int from = first[node];
      int to = first[node + 1];
      if (from == to) {
        continue;
      }
      int lowest = (int) (edges[from] >>> 24) & 0xff;
      int b = Math.max(1, firstFree - lowest);
      int taken = 0; // slots found taken on the way, for moving firstFree past dense stretches
      while (true) {
        int needed = b + 256;
        if (needed > newCheck.length) {
          int grown = Math.max(needed, newCheck.length * 2);
          newBase = Arrays.copyOf(newBase, grown);
          newValue = Arrays.copyOf(newValue, grown);
          int old = newCheck.length;
          newCheck = Arrays.copyOf(newCheck, grown);
          Arrays.fill(newCheck, old, grown, -1);
          Arrays.fill(newValue, old, grown, -1);
        }
        if (newCheck[b + lowest] != -1) {
          taken++;
          b++;
          continue;
        }
        boolean fits = true;
        for (int k = from + 1; k < to && fits; k++) {
          fits = newCheck[b + ((int) (edges[k] >>> 24) & 0xff)] == -1;
        }
        if (fits) {
          break;
        }
        b++;
      }
      // As Darts does: a stretch nearly full is not searched again (a node with many children
      // would otherwise scan it each time, quadratic in a large vocabulary's trie).
      if (taken >= 0.95 * (b + lowest - firstFree + 1)) {
        firstFree = b + lowest;
      }
      int slot = slotOf[node];
      newBase[slot] = b;
      for (int k = from; k < to; k++) {
        int child = (int) (edges[k] & 0xffffff);
        int childSlot = b + ((int) (edges[k] >>> 24) & 0xff);
        newCheck[childSlot] = slot;
        newValue[childSlot] = values[child];
        slotOf[child] = childSlot;
        queue[tail++] = child;
      }
      while (firstFree < newCheck.length && newCheck[firstFree] != -1) {
        firstFree++;
      }
    }
    base = newBase;
    check = newCheck;
    slotValue = newValue;
    keys = null;
    children = null;
  }

  /** The child of {@code node} by {@code b} (0-255), or -1. */
  int child(int node, int b) {
    if (base != null) {
      int next = base[node] + b;
      return next < check.length && check[next] == node ? next : -1;
    }
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
    return base != null ? slotValue[node] : values[node];
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
    return value(node);
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
      if (value(node) >= 0) {
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
