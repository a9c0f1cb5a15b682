package dev.corral.curation.lm;

/**
 * Words to dense ids in an open-addressing table (linear probing over a power-of-two array): no
 * boxed {@code Integer}s and no per-entry objects, because a model's vocabulary can hold millions
 * of words.
 */
final class WordIndex {
  private String[] keys;
  private int[] ids;
  private int size;

  WordIndex(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new String[capacity];
    ids = new int[capacity];
  }

  /** The id of {@code word}, or -1. */
  int get(String word) {
    int mask = keys.length - 1;
    for (int slot = mix(word.hashCode()) & mask; ; slot = (slot + 1) & mask) {
      String key = keys[slot];
      if (key == null) {
        return -1;
      }
      if (key.equals(word)) {
        return ids[slot];
      }
    }
  }

  /**
   * Adds {@code word} with the next id and returns that id, or returns -1 if it was already
   * present.
   */
  int add(String word) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int slot = mix(word.hashCode()) & mask;
    for (; keys[slot] != null; slot = (slot + 1) & mask) {
      if (keys[slot].equals(word)) {
        return -1;
      }
    }
    keys[slot] = word;
    ids[slot] = size;
    return size++;
  }

  int size() {
    return size;
  }

  /** Bytes held by the table itself (references and ids; the strings are counted by the owner). */
  long tableBytes() {
    return (long) keys.length * (4 + 4);
  }

  private void grow() {
    String[] oldKeys = keys;
    int[] oldIds = ids;
    keys = new String[oldKeys.length * 2];
    ids = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = mix(oldKeys[i].hashCode()) & mask;
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        ids[slot] = oldIds[i];
      }
    }
  }

  // String.hashCode's low bits cluster for similar words; a multiplicative mix spreads them over
  // the slots.
  private static int mix(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }
}
