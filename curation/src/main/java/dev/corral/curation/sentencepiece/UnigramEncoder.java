package dev.corral.curation.sentencepiece;

/**
 * The unigram model's Viterbi segmentation, as SentencePiece 0.1.97's {@code EncodeOptimized}: over
 * UTF-8 byte positions, the best path ending at each one; a character no piece starts with becomes
 * the unknown piece at the lowest piece score minus 10; a user-defined symbol scores its length
 * times the highest score minus 0.1, so it is always chosen. Scores add in double and are kept as
 * float, ties keep the first path found, both as the C++ code does.
 */
final class UnigramEncoder {
  private static final float UNK_PENALTY = 10.0f;

  private final PieceTrie trie; // NORMAL, USER_DEFINED and UNUSED pieces
  private final float[] scores;
  private final byte[] types;
  private final int unkId;
  private final float maxScore;
  private final float unkScore;

  UnigramEncoder(PieceTrie trie, float[] scores, byte[] types, int unkId) {
    this.trie = trie;
    this.scores = scores;
    this.types = types;
    this.unkId = unkId;
    float min = Float.MAX_VALUE;
    float max = Float.MIN_NORMAL; // C++'s FLT_MIN: the smallest positive float, not the lowest
    for (int id = 0; id < scores.length; id++) {
      if (types[id] == SentencePieceModel.NORMAL) {
        min = Math.min(min, scores[id]);
        max = Math.max(max, scores[id]);
      }
    }
    this.maxScore = max;
    this.unkScore = min - UNK_PENALTY;
  }

  void encode(Scratch s) {
    byte[] text = s.normalized;
    int size = s.normalizedLength;
    s.count = 0;
    if (size == 0) {
      return;
    }
    s.reserveViterbi(size + 1);
    float[] best = s.bestScore;
    int[] starts = s.bestStart;
    int[] ids = s.bestId;
    for (int k = 0; k <= size; k++) {
      best[k] = 0;
      starts[k] = -1;
      ids[k] = -1;
    }
    int startsAt = 0;
    while (startsAt < size) {
      float tillHere = best[startsAt];
      boolean hasSingleNode = false;
      int charLength = Math.min(Utf8.oneCharLength(text[startsAt]), size - startsAt);
      int node = 0;
      for (int keyPos = startsAt; keyPos < size; ) {
        node = trie.child(node, text[keyPos] & 0xff);
        if (node < 0) {
          break;
        }
        keyPos++;
        int id = trie.value(node);
        if (id < 0 || types[id] == SentencePieceModel.UNUSED) {
          continue;
        }
        int length = keyPos - startsAt;
        double score =
            types[id] == SentencePieceModel.USER_DEFINED
                ? (double) (length * maxScore) - 0.1
                : (double) scores[id];
        double candidate = score + tillHere;
        if (starts[keyPos] == -1 || candidate > best[keyPos]) {
          best[keyPos] = (float) candidate;
          starts[keyPos] = startsAt;
          ids[keyPos] = id;
        }
        if (length == charLength) {
          hasSingleNode = true;
        }
      }
      if (!hasSingleNode) {
        int target = startsAt + charLength;
        float candidate = unkScore + tillHere;
        if (starts[target] == -1 || candidate > best[target]) {
          best[target] = candidate;
          starts[target] = startsAt;
          ids[target] = unkId;
        }
      }
      startsAt += charLength;
    }
    // Backtrack from the end, then reverse into reading order.
    for (int end = size; end > 0; end = starts[end]) {
      s.addPiece(starts[end], end - starts[end], ids[end]);
    }
    for (int a = 0, b = s.count - 1; a < b; a++, b--) {
      swap(s.starts, a, b);
      swap(s.lengths, a, b);
      swap(s.ids, a, b);
    }
  }

  private static void swap(int[] x, int a, int b) {
    int t = x[a];
    x[a] = x[b];
    x[b] = t;
  }
}
