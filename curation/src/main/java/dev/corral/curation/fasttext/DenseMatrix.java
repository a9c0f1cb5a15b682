package dev.corral.curation.fasttext;

import dev.corral.core.Errors;

/**
 * A row-major float matrix. A quantized matrix small enough to decode becomes one of these, with
 * the per-row norm kept apart ({@code rowScale}) so every sum rounds exactly as fastText's does.
 */
final class DenseMatrix implements Matrix {
  private final int rows;
  private final int cols;
  private final float[] data;
  private final float[] rowScale; // null: a plain dense matrix

  DenseMatrix(int rows, int cols, float[] data, float[] rowScale) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
    this.rowScale = rowScale;
  }

  static DenseMatrix read(ModelInput in, String name) {
    long at = in.position();
    long m = in.readLong(name + " rows");
    long n = in.readLong(name + " columns");
    if (m < 0 || n < 0 || n > Integer.MAX_VALUE) {
      throw Errors.badModel(in.path(), at, name + " has an impossible shape " + m + " x " + n);
    }
    in.require(m * n, 4, name + " of " + m + " x " + n + " floats");
    if (m * n > Integer.MAX_VALUE - 8) {
      throw Errors.unsupported(
          in.path(), name + " of " + m + " x " + n + " floats is larger than one Java array");
    }
    float[] data = new float[(int) (m * n)];
    in.readFloats(data, 0, data.length, name);
    return new DenseMatrix((int) m, (int) n, data, null);
  }

  /** The row-major values (a plain dense matrix only). */
  float[] data() {
    return data;
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
    int base = row * cols;
    for (int j = 0; j < cols; j++) {
      x[j] += data[base + j];
    }
  }

  @Override
  public float dotRow(float[] x, int row) {
    int base = row * cols;
    float d = 0f;
    for (int j = 0; j < cols; j++) {
      d += data[base + j] * x[j];
    }
    return rowScale == null ? d : d * rowScale[row];
  }
}
