package dev.corral.curation.sentencepiece;

import java.util.Arrays;

/**
 * One thread's working buffers for encoding, grown as needed and reused, so encoding a line
 * allocates only its result.
 */
final class Scratch {
  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  static Scratch get() {
    return LOCAL.get();
  }

  /** The input as UTF-8 when it came as a String. */
  byte[] input = new byte[256];

  /** The normalized text (UTF-8) and its length. */
  byte[] normalized = new byte[256];

  int normalizedLength;

  /** The model's segmentation of the normalized text: byte start, byte length and id per piece. */
  int[] starts = new int[64];

  int[] lengths = new int[64];
  int[] ids = new int[64];
  int count;

  // The normalizer's current prefix: what it becomes (bytes[offset, offset + length)) and the
  // input bytes it consumes.
  byte[] prefixBytes;
  int prefixOffset;
  int prefixLength;
  int prefixConsumed;

  // Viterbi: per normalized byte position, the best path ending there.
  float[] bestScore = new float[0];
  int[] bestStart = new int[0];
  int[] bestId = new int[0];

  // BPE: the symbols (a doubly linked list over the normalized text) and the agenda (a heap).
  int[] symbolStart = new int[0];
  int[] symbolLength = new int[0];
  int[] symbolPrev = new int[0];
  int[] symbolNext = new int[0];
  boolean[] symbolFrozen = new boolean[0];
  int[] symbolNode = new int[0]; // the piece trie's node for the symbol's bytes, or -1
  int[] heap = new int[0]; // indices into the pair arrays
  int[] pairLeft = new int[0];
  int[] pairRight = new int[0];
  float[] pairScore = new float[0];
  int[] pairSize = new int[0];
  int[] pairNode = new int[0];

  byte[] input(int length) {
    if (input.length < length) {
      input = new byte[Math.max(length, input.length * 2)];
    }
    return input;
  }

  void reserveNormalized(int extra) {
    if (normalizedLength + extra > normalized.length) {
      normalized =
          Arrays.copyOf(normalized, Math.max(normalizedLength + extra, normalized.length * 2));
    }
  }

  void addPiece(int start, int length, int id) {
    if (count == starts.length) {
      int n = count * 2;
      starts = Arrays.copyOf(starts, n);
      lengths = Arrays.copyOf(lengths, n);
      ids = Arrays.copyOf(ids, n);
    }
    starts[count] = start;
    lengths[count] = length;
    ids[count] = id;
    count++;
  }

  void reserveViterbi(int size) {
    if (bestScore.length < size) {
      int n = Math.max(size, bestScore.length * 2);
      bestScore = new float[n];
      bestStart = new int[n];
      bestId = new int[n];
    }
  }

  void reserveSymbols(int size) {
    if (symbolStart.length < size) {
      int n = Math.max(size, symbolStart.length * 2);
      symbolStart = new int[n];
      symbolLength = new int[n];
      symbolPrev = new int[n];
      symbolNext = new int[n];
      symbolFrozen = new boolean[n];
      symbolNode = new int[n];
    }
  }

  void reservePairs(int size) {
    if (pairLeft.length < size) {
      int n = Math.max(size, pairLeft.length * 2);
      heap = Arrays.copyOf(heap, n);
      pairLeft = Arrays.copyOf(pairLeft, n);
      pairRight = Arrays.copyOf(pairRight, n);
      pairScore = Arrays.copyOf(pairScore, n);
      pairSize = Arrays.copyOf(pairSize, n);
      pairNode = Arrays.copyOf(pairNode, n);
    }
  }
}
