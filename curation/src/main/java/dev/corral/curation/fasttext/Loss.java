package dev.corral.curation.fasttext;

/**
 * The output layer of a supervised model and how it turns a hidden vector into the k best labels.
 * Each subclass mirrors one of fastText's losses, with its float roundings, so probabilities match.
 */
abstract class Loss {
  private static final int SIGMOID_TABLE_SIZE = 512;
  private static final int MAX_SIGMOID = 8;
  private static final float[] SIGMOID_TABLE = new float[SIGMOID_TABLE_SIZE + 1];
  private static final int LOG_TABLE_SIZE = 512;
  private static final float[] LOG_TABLE = new float[LOG_TABLE_SIZE + 1];

  static {
    for (int i = 0; i < LOG_TABLE.length; i++) {
      float x = (float) ((i + 1e-5) / LOG_TABLE_SIZE);
      LOG_TABLE[i] = (float) Math.log(x);
    }
    for (int i = 0; i < SIGMOID_TABLE.length; i++) {
      float x = (float) (i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID;
      SIGMOID_TABLE[i] = (float) (1.0 / (1.0 + expf(-x)));
    }
  }

  final Matrix wo;

  Loss(Matrix wo) {
    this.wo = wo;
  }

  static Loss create(FastTextArgs.LossName name, Matrix wo, long[] targetCounts) {
    switch (name) {
      case HS:
        return new HierarchicalSoftmax(wo, targetCounts);
      case SOFTMAX:
        return new Softmax(wo);
      case NS:
      case OVA:
        return new BinaryLogistic(wo);
      default:
        throw new IllegalArgumentException(name.toString());
    }
  }

  /** Number of output labels. */
  abstract int outputSize();

  /** Fills {@code heap} with the k best labels scoring at least {@code threshold}, best first. */
  abstract void predict(int k, float threshold, float[] hidden, float[] output, TopK heap);

  /** fastText's std_log: the float is widened, 1e-5 added and the log taken in double. */
  static float stdLog(float x) {
    return (float) Math.log(x + 1e-5);
  }

  /** C++ {@code std::exp(float)}. */
  static float expf(float x) {
    return Expf.expf(x);
  }

  /** fastText's table sigmoid (used by the binary-logistic losses). */
  static float sigmoid(float x) {
    if (x < -MAX_SIGMOID) {
      return 0f;
    } else if (x > MAX_SIGMOID) {
      return 1f;
    }
    int i = (int) ((x + MAX_SIGMOID) * SIGMOID_TABLE_SIZE / MAX_SIGMOID / 2);
    return SIGMOID_TABLE[i];
  }

  /** fastText's table log, used for the training loss it reports. */
  static float tableLog(float x) {
    if (x > 1f) {
      return 0f;
    }
    return LOG_TABLE[(int) (x * LOG_TABLE_SIZE)];
  }

  /** fastText's findKBest over a full output vector, then sort_heap. */
  static void findKBest(int k, float threshold, float[] output, int osz, TopK heap) {
    for (int i = 0; i < osz; i++) {
      if (output[i] < threshold) {
        continue;
      }
      float logp = stdLog(output[i]);
      if (heap.size == k && logp < heap.frontScore()) {
        continue;
      }
      heap.offer(logp, i, k);
    }
    heap.sort();
  }

  /** Softmax over all labels. */
  static final class Softmax extends Loss {
    Softmax(Matrix wo) {
      super(wo);
    }

    @Override
    int outputSize() {
      return (int) wo.rows();
    }

    @Override
    void predict(int k, float threshold, float[] hidden, float[] output, TopK heap) {
      int osz = outputSize();
      for (int i = 0; i < osz; i++) {
        output[i] = wo.dotRow(hidden, i);
      }
      float max = output[0];
      float z = 0f;
      for (int i = 0; i < osz; i++) {
        max = Math.max(output[i], max);
      }
      for (int i = 0; i < osz; i++) {
        output[i] = (float) Math.exp(output[i] - max);
        z += output[i];
      }
      for (int i = 0; i < osz; i++) {
        output[i] /= z;
      }
      findKBest(k, threshold, output, osz, heap);
    }
  }

  /** One-vs-all and negative sampling: an independent sigmoid per label. */
  static final class BinaryLogistic extends Loss {
    BinaryLogistic(Matrix wo) {
      super(wo);
    }

    @Override
    int outputSize() {
      return (int) wo.rows();
    }

    @Override
    void predict(int k, float threshold, float[] hidden, float[] output, TopK heap) {
      int osz = outputSize();
      for (int i = 0; i < osz; i++) {
        output[i] = sigmoid(wo.dotRow(hidden, i));
      }
      findKBest(k, threshold, output, osz, heap);
    }
  }

  /**
   * Hierarchical softmax over a Huffman tree of label counts, searched depth first with pruning.
   */
  static final class HierarchicalSoftmax extends Loss {
    private final int osz;
    private final int[] left;
    private final int[] right;

    HierarchicalSoftmax(Matrix wo, long[] counts) {
      super(wo);
      osz = counts.length;
      int[][] children = children(counts);
      left = children[0];
      right = children[1];
    }

    /**
     * fastText's buildTree: the Huffman tree over label counts (labels come sorted by decreasing
     * count, so the two lightest are found at the ends). Returns the left and right child of every
     * node; leaves have -1.
     */
    static int[][] children(long[] counts) {
      int osz = counts.length;
      int nodes = Math.max(0, 2 * osz - 1);
      int[] left = new int[nodes];
      int[] right = new int[nodes];
      long[] count = new long[nodes];
      java.util.Arrays.fill(left, -1);
      java.util.Arrays.fill(right, -1);
      java.util.Arrays.fill(count, (long) 1e15);
      System.arraycopy(counts, 0, count, 0, osz);
      int leaf = osz - 1;
      int node = osz;
      for (int i = osz; i < nodes; i++) {
        int[] mini = new int[2];
        for (int j = 0; j < 2; j++) {
          if (leaf >= 0 && count[leaf] < count[node]) {
            mini[j] = leaf--;
          } else {
            mini[j] = node++;
          }
        }
        left[i] = mini[0];
        right[i] = mini[1];
        count[i] = count[mini[0]] + count[mini[1]];
      }
      return new int[][] {left, right};
    }

    @Override
    int outputSize() {
      return osz;
    }

    @Override
    void predict(int k, float threshold, float[] hidden, float[] output, TopK heap) {
      if (osz > 0) {
        dfs(k, stdLog(threshold), 2 * osz - 2, 0f, heap, hidden);
      }
      heap.sort();
    }

    private void dfs(int k, float logThreshold, int node, float score, TopK heap, float[] hidden) {
      if (score < logThreshold) {
        return;
      }
      if (heap.size == k && score < heap.frontScore()) {
        return;
      }
      if (left[node] == -1 && right[node] == -1) {
        heap.offer(score, node, k);
        return;
      }
      float f = wo.dotRow(hidden, node - osz);
      f = (float) (1.0 / (1 + expf(-f)));
      dfs(k, logThreshold, left[node], score + stdLog((float) (1.0 - f)), heap, hidden);
      dfs(k, logThreshold, right[node], score + stdLog(f), heap, hidden);
    }
  }
}
