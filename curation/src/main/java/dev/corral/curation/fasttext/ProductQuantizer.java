package dev.corral.curation.fasttext;

import dev.corral.core.Errors;

/**
 * fastText's product quantizer: {@code nsubq} sub-vectors of {@code dsub} floats, 256 centroids
 * each.
 */
final class ProductQuantizer {
  static final int KSUB = 256;

  final int dim;
  final int nsubq;
  final int dsub;
  final int lastdsub;
  private final float[] centroids; // dim * KSUB

  private ProductQuantizer(int dim, int nsubq, int dsub, int lastdsub, float[] centroids) {
    this.dim = dim;
    this.nsubq = nsubq;
    this.dsub = dsub;
    this.lastdsub = lastdsub;
    this.centroids = centroids;
  }

  static ProductQuantizer read(ModelInput in, String name) {
    long at = in.position();
    int dim = in.readInt(name + " dimension");
    int nsubq = in.readInt(name + " sub-quantizer count");
    int dsub = in.readInt(name + " sub-vector size");
    int lastdsub = in.readInt(name + " last sub-vector size");
    boolean consistent =
        dim > 0
            && dsub > 0
            && nsubq > 0
            && lastdsub > 0
            && lastdsub <= dsub
            && (long) (nsubq - 1) * dsub + lastdsub == dim;
    if (!consistent) {
      throw Errors.badModel(
          in.path(),
          at,
          name
              + " has inconsistent sizes (dim "
              + dim
              + ", nsubq "
              + nsubq
              + ", dsub "
              + dsub
              + ", lastdsub "
              + lastdsub
              + ")");
    }
    in.require((long) dim * KSUB, 4, name + " centroids");
    float[] centroids = new float[dim * KSUB];
    in.readFloats(centroids, 0, centroids.length, name + " centroids");
    return new ProductQuantizer(dim, nsubq, dsub, lastdsub, centroids);
  }

  /**
   * Offset of centroid {@code i} of sub-quantizer {@code m}; the last one has shorter sub-vectors.
   */
  private int centroidOffset(int m, int i) {
    return m == nsubq - 1 ? m * KSUB * dsub + i * lastdsub : (m * KSUB + i) * dsub;
  }

  float centroid(int m, int i, int n) {
    return centroids[centroidOffset(m, i) + n];
  }

  void addCode(float[] x, byte[] codes, int row, float alpha) {
    int code = nsubq * row;
    for (int m = 0; m < nsubq; m++) {
      int c = centroidOffset(m, codes[code + m] & 0xff);
      int d = m == nsubq - 1 ? lastdsub : dsub;
      int base = m * dsub;
      for (int n = 0; n < d; n++) {
        x[base + n] += alpha * centroids[c + n];
      }
    }
  }

  float mulCode(float[] x, byte[] codes, int row, float alpha) {
    float res = 0f;
    int code = nsubq * row;
    for (int m = 0; m < nsubq; m++) {
      int c = centroidOffset(m, codes[code + m] & 0xff);
      int d = m == nsubq - 1 ? lastdsub : dsub;
      int base = m * dsub;
      for (int n = 0; n < d; n++) {
        res += x[base + n] * centroids[c + n];
      }
    }
    return res * alpha;
  }

  /**
   * Writes {@code alpha * centroid} of each sub-vector of a row into {@code out[offset, offset +
   * dim)}.
   */
  void decode(byte[] codes, int row, float alpha, float[] out, int offset) {
    int code = nsubq * row;
    for (int m = 0; m < nsubq; m++) {
      int c = centroidOffset(m, codes[code + m] & 0xff);
      int d = m == nsubq - 1 ? lastdsub : dsub;
      for (int n = 0; n < d; n++) {
        out[offset + m * dsub + n] = alpha * centroids[c + n];
      }
    }
  }
}
