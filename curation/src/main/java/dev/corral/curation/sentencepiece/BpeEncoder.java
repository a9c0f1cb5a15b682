package dev.corral.curation.sentencepiece;

import dev.corral.core.text.WordCache;
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
 *
 * <p>When no piece holds a ▁ right after another character (SentencePiece's {@code
 * split_by_whitespace}, LLaMA's tokenizer), no merge can cross the start of a word (a run of ▁ and
 * what follows it up to the next ▁), so each word is encoded on its own and a word seen lately
 * takes its pieces from a per-thread {@link WordCache}: the same pieces, without the merging.
 */
final class BpeEncoder {
  private final SentencePieceModel model;
  private final PieceTrie trie; // NORMAL, USER_DEFINED and UNUSED pieces
  private final PieceTrie userDefined; // null: none
  private final float[] scores;
  private final byte[] types;
  private final boolean hasUnused;
  private final MergeRanks ranks; // null: merge by the scores of the pieces pairs make
  // Per word: (byte offset in the word, byte length, id) per piece; null: words are not split.
  private final ThreadLocal<WordCache> words;

  BpeEncoder(
      SentencePieceModel model,
      PieceTrie trie,
      PieceTrie userDefined,
      float[] scores,
      byte[] types,
      MergeRanks ranks,
      boolean piecesStartWords) {
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
    // 65,536 words of at most 64 bytes: a few MB per thread when full.
    this.words = piecesStartWords ? ThreadLocal.withInitial(() -> new WordCache(16, 64)) : null;
  }

  void encode(Scratch s) {
    s.count = 0;
    int size = s.normalizedLength;
    if (words == null) {
      encode(s, 0, size);
      return;
    }
    WordCache cache = words.get();
    byte[] text = s.normalized;
    for (int from = 0, to; from < size; from = to) {
      to = wordEnd(text, from, size);
      int hash = WordCache.hash(text, from, to);
      int[] pieces = cache.get(text, from, to, hash);
      if (pieces != null) {
        for (int k = 0; k < pieces.length; k += 3) {
          s.addPiece(from + pieces[k], pieces[k + 1], pieces[k + 2]);
        }
        continue;
      }
      int first = s.count;
      encode(s, from, to);
      if (cache.keeps(to - from)) {
        pieces = new int[3 * (s.count - first)];
        for (int k = first, j = 0; k < s.count; k++, j += 3) {
          pieces[j] = s.starts[k] - from;
          pieces[j + 1] = s.lengths[k];
          pieces[j + 2] = s.ids[k];
        }
        cache.put(text, from, to, hash, pieces);
      }
    }
  }

  /**
   * Where the word starting at {@code from} ends: at the first ▁ after a character that is not ▁.
   */
  private static int wordEnd(byte[] text, int from, int size) {
    int i = from;
    while (isSpaceSymbol(text, i, size)) {
      i += 3;
    }
    for (; i < size; i++) {
      if (isSpaceSymbol(text, i, size)) {
        return i;
      }
    }
    return size;
  }

  /** Whether ▁ (U+2581, E2 96 81 in UTF-8) starts at {@code i}. */
  private static boolean isSpaceSymbol(byte[] text, int i, int size) {
    return i + 2 < size
        && text[i] == (byte) 0xE2
        && text[i + 1] == (byte) 0x96
        && text[i + 2] == (byte) 0x81;
  }

  /** Merges {@code normalized[from, to)} and appends its pieces to the scratch's. */
  private void encode(Scratch s, int from, int to) {
    byte[] text = s.normalized;
    if (from == to) {
      return;
    }
    // Split into characters.
    s.reserveSymbols(to - from);
    int symbols = 0;
    for (int i = from; i < to; ) {
      int length = userDefined == null ? 0 : userDefined.longestPrefix(text, i, to);
      s.symbolFrozen[symbols] = length > 0;
      if (length == 0) {
        length = Math.min(Utf8.oneCharLength(text[i]), to - i);
      }
      s.symbolStart[symbols] = i;
      s.symbolLength[symbols] = length;
      s.symbolNode[symbols] = walk(0, text, i, length);
      s.symbolPrev[symbols] = symbols - 1;
      i += length;
      s.symbolNext[symbols] = i < to ? symbols + 1 : -1;
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
