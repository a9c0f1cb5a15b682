package dev.corral.curation.fasttext;

import dev.corral.core.Errors;

/**
 * fastText's product-quantized matrix: each row is {@code nsubq} one-byte codes into sub-vector
 * centroids, optionally scaled by a quantized norm ({@code qnorm}).
 */
final class QuantMatrix implements Matrix {
  private final boolean qnorm;
  private final int rows;
  private final int cols;
  private final byte[] codes;
  private final ProductQuantizer pq;
  private final byte[] normCodes;
  private final ProductQuantizer npq;

  private QuantMatrix(
      boolean qnorm,
      int rows,
      int cols,
      byte[] codes,
      ProductQuantizer pq,
      byte[] normCodes,
      ProductQuantizer npq) {
    this.qnorm = qnorm;
    this.rows = rows;
    this.cols = cols;
    this.codes = codes;
    this.pq = pq;
    this.normCodes = normCodes;
    this.npq = npq;
  }

  static QuantMatrix read(ModelInput in, String name) {
    long at = in.position();
    boolean qnorm = in.readBool(name + " qnorm flag");
    long m = in.readLong(name + " rows");
    long n = in.readLong(name + " columns");
    int codesize = in.readInt(name + " code size");
    if (m < 0 || n <= 0 || m > Integer.MAX_VALUE || n > Integer.MAX_VALUE) {
      throw Errors.badModel(in.path(), at, name + " has an impossible shape " + m + " x " + n);
    }
    in.require(codesize, 1, name + " codes");
    byte[] codes = new byte[codesize];
    in.readBytes(codes, 0, codesize, name + " codes");
    ProductQuantizer pq = ProductQuantizer.read(in, name + " quantizer");
    if (pq.dim != n) {
      throw Errors.badModel(
          in.path(),
          in.position(),
          name + " quantizer has dimension " + pq.dim + " but the matrix has " + n + " columns");
    }
    if ((long) pq.nsubq * m != codesize) {
      throw Errors.badModel(
          in.path(),
          at,
          name
              + " has "
              + codesize
              + " codes, expected rows x sub-quantizers = "
              + m
              + " x "
              + pq.nsubq);
    }
    byte[] normCodes = null;
    ProductQuantizer npq = null;
    if (qnorm) {
      in.require(m, 1, name + " norm codes");
      normCodes = new byte[(int) m];
      in.readBytes(normCodes, 0, (int) m, name + " norm codes");
      npq = ProductQuantizer.read(in, name + " norm quantizer");
      if (npq.dim != 1) {
        throw Errors.badModel(
            in.path(),
            in.position(),
            name + " norm quantizer has dimension " + npq.dim + ", expected 1");
      }
    }
    return new QuantMatrix(qnorm, (int) m, (int) n, codes, pq, normCodes, npq);
  }

  private float norm(int row) {
    return qnorm ? npq.centroid(0, normCodes[row] & 0xff, 0) : 1f;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public void addRowTo(float[] x, int row) {
    pq.addCode(x, codes, row, norm(row));
  }

  @Override
  public float dotRow(float[] x, int row) {
    return pq.mulCode(x, codes, row, norm(row));
  }

  /**
   * Decodes to a dense matrix that sums bit for bit like this one: as an input matrix rows hold
   * {@code norm * centroid} (what addcode adds); as an output matrix rows hold the centroids and
   * the norm scales the dot product afterwards (what mulcode does).
   */
  DenseMatrix decode(boolean forOutput) {
    float[] data = new float[rows * cols];
    float[] scale = forOutput ? new float[rows] : null;
    for (int r = 0; r < rows; r++) {
      float alpha = norm(r);
      pq.decode(codes, r, forOutput ? 1f : alpha, data, r * cols);
      if (forOutput) {
        scale[r] = alpha;
      }
    }
    return new DenseMatrix(rows, cols, data, scale);
  }

  long decodedBytes() {
    return (long) rows * cols * 4;
  }
}
