package dev.corral.curation.sentencepiece;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The BPE model's encoding, as SentencePiece 0.1.97's {@code bpe_model.cc}: the text starts as
 * characters (a user-defined symbol is one frozen symbol), then the adjacent pair whose merge is a
 * piece with the highest score is merged, leftmost first on ties, until no pair is a piece. A
 * merged piece of type UNUSED is split back into the two symbols it was made of.
 *
 * <p>With {@link MergeRanks} (a model read from a Hugging Face {@code tokenizer.json}) it merges as
 * the {@code tokenizers} library does instead: only pairs of pieces that a merge names, lowest rank
 * first, leftmost on ties.
 */
final class BpeEncoder {
  private final SentencePieceModel model;
  private final PieceTrie trie; // NORMAL, USER_DEFINED and UNUSED pieces
  private final PieceTrie userDefined; // null: none
  private final float[] scores;
  private final byte[] types;
  private final boolean hasUnused;
  private final MergeRanks ranks; // null: merge by the scores of the pieces pairs make

  BpeEncoder(
      SentencePieceModel model,
      PieceTrie trie,
      PieceTrie userDefined,
      float[] scores,
      byte[] types,
      MergeRanks ranks) {
    this.model = model;
    this.ranks = ranks;
    this.trie = trie;
    this.userDefined = userDefined;
    this.scores = scores;
    this.types = types;
    boolean unused = false;
    for (byte t : types) {
      unused |= t == SentencePieceModel.UNUSED;
    }
    this.hasUnused = unused;
  }

  void encode(Scratch s) {
    byte[] text = s.normalized;
    int size = s.normalizedLength;
    s.count = 0;
    if (size == 0) {
      return;
    }
    // Split into characters.
    s.reserveSymbols(size);
    int symbols = 0;
    for (int i = 0; i < size; ) {
      int length = userDefined == null ? 0 : userDefined.longestPrefix(text, i, size);
      s.symbolFrozen[symbols] = length > 0;
      if (length == 0) {
        length = Math.min(Utf8.oneCharLength(text[i]), size - i);
      }
      s.symbolStart[symbols] = i;
      s.symbolLength[symbols] = length;
      s.symbolNode[symbols] = walk(0, text, i, length);
      s.symbolPrev[symbols] = symbols - 1;
      i += length;
      s.symbolNext[symbols] = i < size ? symbols + 1 : -1;
      symbols++;
    }
    Map<String, int[]> reverseMerges = hasUnused ? new HashMap<>() : null;
    s.reservePairs(symbols);
    int pairs = 0;
    int heapSize = 0;
    for (int i = 1; i < symbols; i++) {
      pairs = addPair(s, i - 1, i, pairs, reverseMerges);
    }
    heapSize = pairs;
    for (int i = 0; i < heapSize; i++) {
      s.heap[i] = i;
    }
    for (int i = heapSize / 2 - 1; i >= 0; i--) {
      siftDown(s, i, heapSize);
    }
    while (heapSize > 0) {
      int top = s.heap[0];
      s.heap[0] = s.heap[--heapSize];
      siftDown(s, 0, heapSize);
      int left = s.pairLeft[top];
      int right = s.pairRight[top];
      int leftLength = s.symbolLength[left];
      int rightLength = s.symbolLength[right];
      if (leftLength == 0 || rightLength == 0 || leftLength + rightLength != s.pairSize[top]) {
        continue; // stale: one side has been merged since
      }
      s.symbolLength[left] = leftLength + rightLength;
      s.symbolNode[left] = s.pairNode[top];
      int next = s.symbolNext[right];
      s.symbolNext[left] = next;
      if (next >= 0) {
        s.symbolPrev[next] = left;
      }
      s.symbolLength[right] = 0;
      int added = addPair(s, s.symbolPrev[left], left, pairs, reverseMerges);
      if (added > pairs) {
        heapSize = push(s, pairs, heapSize);
        pairs = added;
      }
      added = addPair(s, left, next, pairs, reverseMerges);
      if (added > pairs) {
        heapSize = push(s, pairs, heapSize);
        pairs = added;
      }
    }
    for (int i = 0; i != -1; i = s.symbolNext[i]) {
      resegment(s, s.symbolStart[i], s.symbolLength[i], reverseMerges);
    }
  }

  /** Records the pair (left, right) as pair number {@code pairs} if its merge is a piece. */
  private int addPair(Scratch s, int left, int right, int pairs, Map<String, int[]> reverseMerges) {
    if (left == -1 || right == -1 || s.symbolFrozen[left] || s.symbolFrozen[right]) {
      return pairs;
    }
    int start = s.symbolStart[left];
    int size = s.symbolLength[left] + s.symbolLength[right];
    // Walk on from where the left symbol's bytes end in the trie: only the right one's are new.
    int node = walk(s.symbolNode[left], s.normalized, s.symbolStart[right], s.symbolLength[right]);
    int id = node < 0 ? -1 : trie.value(node);
    if (id < 0) {
      return pairs;
    }
    float score = scores[id];
    if (ranks != null) {
      int leftNode = s.symbolNode[left];
      int rightNode = s.symbolNode[right];
      int rank =
          leftNode < 0 || rightNode < 0
              ? -1
              : ranks.rank(trie.value(leftNode), trie.value(rightNode));
      if (rank < 0) {
        return pairs;
      }
      score = -rank; // exact: ranks are below 2^24
    }
    s.reservePairs(pairs + 1);
    s.pairLeft[pairs] = left;
    s.pairRight[pairs] = right;
    s.pairScore[pairs] = score;
    s.pairSize[pairs] = size;
    s.pairNode[pairs] = node;
    if (types[id] == SentencePieceModel.UNUSED) {
      reverseMerges.put(
          new String(s.normalized, start, size, StandardCharsets.UTF_8),
          new int[] {s.symbolLength[left], s.symbolLength[right]});
    }
    return pairs + 1;
  }

  /** The trie node reached from {@code node} by {@code bytes[from, from + length)}, or -1. */
  private int walk(int node, byte[] bytes, int from, int length) {
    for (int i = from, end = from + length; i < end && node >= 0; i++) {
      node = trie.child(node, bytes[i] & 0xff);
    }
    return node;
  }

  private void resegment(Scratch s, int start, int length, Map<String, int[]> reverseMerges) {
    int id = model.pieceToId(s.normalized, start, length);
    if (types[id] != SentencePieceModel.UNUSED) {
      s.addPiece(start, length, id);
      return;
    }
    int[] split =
        reverseMerges.get(new String(s.normalized, start, length, StandardCharsets.UTF_8));
    if (split == null) { // never happens: every unused merge was recorded
      s.addPiece(start, length, id);
      return;
    }
    resegment(s, start, split[0], reverseMerges);
    resegment(s, start + split[0], split[1], reverseMerges);
  }

  private static int push(Scratch s, int pair, int heapSize) {
    int i = heapSize;
    s.heap[i] = pair;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(s, s.heap[i], s.heap[parent])) {
        break;
      }
      int t = s.heap[i];
      s.heap[i] = s.heap[parent];
      s.heap[parent] = t;
      i = parent;
    }
    return heapSize + 1;
  }

  private static void siftDown(Scratch s, int i, int heapSize) {
    int[] heap = s.heap;
    while (true) {
      int l = 2 * i + 1;
      if (l >= heapSize) {
        return;
      }
      int best = l;
      if (l + 1 < heapSize && before(s, heap[l + 1], heap[l])) {
        best = l + 1;
      }
      if (!before(s, heap[best], heap[i])) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[best];
      heap[best] = t;
      i = best;
    }
  }

  /** Whether pair a is merged before pair b: higher score first, then the leftmost. */
  private static boolean before(Scratch s, int a, int b) {
    float sa = s.pairScore[a];
    float sb = s.pairScore[b];
    if (sa != sb) {
      return sa > sb;
    }
    return s.pairLeft[a] < s.pairLeft[b];
  }
}
