package dev.corral.curation.fasttext;

/**
 * The k best (log-probability, label) pairs, kept in a min-heap laid out exactly as libstdc++'s
 * {@code push_heap}/{@code pop_heap}/{@code sort_heap} lay it out with fastText's comparator, so
 * that ties come out in the same order as from the fastText binary.
 */
final class TopK {
  float[] scores;
  int[] ids;
  int size;

  TopK(int capacity) {
    scores = new float[Math.max(2, capacity + 1)];
    ids = new int[scores.length];
  }

  void reset(int k) {
    size = 0;
    if (scores.length < k + 1) {
      scores = new float[k + 1];
      ids = new int[k + 1];
    }
  }

  float frontScore() {
    return scores[0];
  }

  /** fastText's comparePairs: {@code a} goes deeper in the heap when its score is greater. */
  private boolean comp(float a, float b) {
    return a > b;
  }

  /** push_back then push_heap, then pop_heap and pop_back when more than k remain. */
  void offer(float score, int id, int k) {
    scores[size] = score;
    ids[size] = id;
    size++;
    pushHeap(size - 1, 0, score, id);
    if (size > k) {
      popHeap(size);
      size--;
    }
  }

  private void pushHeap(int hole, int top, float score, int id) {
    int parent = (hole - 1) / 2;
    while (hole > top && comp(scores[parent], score)) {
      scores[hole] = scores[parent];
      ids[hole] = ids[parent];
      hole = parent;
      parent = (hole - 1) / 2;
    }
    scores[hole] = score;
    ids[hole] = id;
  }

  private void adjustHeap(int hole, int len, float score, int id) {
    int top = hole;
    int child = hole;
    while (child < (len - 1) / 2) {
      child = 2 * (child + 1);
      if (comp(scores[child], scores[child - 1])) {
        child--;
      }
      scores[hole] = scores[child];
      ids[hole] = ids[child];
      hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
      child = 2 * (child + 1);
      scores[hole] = scores[child - 1];
      ids[hole] = ids[child - 1];
      hole = child - 1;
    }
    pushHeap(hole, top, score, id);
  }

  /** Moves the front of heap[0, len) to len - 1 and restores the heap on [0, len - 1). */
  private void popHeap(int len) {
    if (len > 1) {
      int last = len - 1;
      float score = scores[last];
      int id = ids[last];
      scores[last] = scores[0];
      ids[last] = ids[0];
      adjustHeap(0, last, score, id);
    }
  }

  /** sort_heap: afterwards the best score comes first. */
  void sort() {
    for (int len = size; len > 1; len--) {
      popHeap(len);
    }
  }
}
