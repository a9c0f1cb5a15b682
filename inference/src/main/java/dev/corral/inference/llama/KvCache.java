package dev.corral.inference.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the tokens a batch has seen so far, so that each new token
 * attends to them without recomputing the prefix. Slots are filled left to right for all rows at
 * once; a row's padding slots are marked and never attended to. Made by {@link
 * LlamaModel#newCache}; one cache serves one batch of sequences, and is not for use by two threads
 * at once.
 */
public final class KvCache implements AutoCloseable {
  final NDManager manager;
  NDArray[] keys; //   (layer) -> (batch, n_kv_heads, capacity, head_size), after rotary embedding
  final NDArray[] values; // (layer) -> (batch, n_kv_heads, capacity, head_size)
  boolean[][] real; // (batch, capacity): the slot holds a real token, not padding
  int[] nextPosition; // (batch): rotary position of the row's next real token
  int length; //             slots filled, the same for every row

  KvCache(NDManager parent, LlamaConfig c, int batchSize, int capacity, DataType dtype) {
    this.manager = parent.newSubManager();
    Shape shape = new Shape(batchSize, c.nKvHeads(), capacity, c.headSize());
    keys = new NDArray[c.nLayers()];
    values = new NDArray[c.nLayers()];
    for (int l = 0; l < c.nLayers(); l++) {
      keys[l] = manager.zeros(shape, dtype);
      values[l] = manager.zeros(shape, dtype);
    }
    real = new boolean[batchSize][capacity];
    nextPosition = new int[batchSize];
  }

  /**
   * Keeps only the given rows (indices into the current batch, ascending), so that rows that are
   * done no longer cost compute; row {@code rows[i]} becomes row {@code i}.
   */
  void keep(int[] rows) {
    if (rows.length == real.length) {
      return;
    }
    for (int l = 0; l < keys.length; l++) {
      keys[l] = select(keys[l], rows);
      values[l] = select(values[l], rows);
    }
    boolean[][] keptReal = new boolean[rows.length][];
    int[] keptNext = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      keptReal[i] = real[rows[i]];
      keptNext[i] = nextPosition[rows[i]];
    }
    real = keptReal;
    nextPosition = keptNext;
  }

  private static NDArray select(NDArray a, int[] rows) {
    NDList parts = new NDList(rows.length);
    for (int r : rows) {
      parts.add(a.get(new NDIndex("{}:{}", r, r + 1)));
    }
    NDArray out =
        parts.size() == 1 ? parts.get(0).duplicate() : NDArrays.concat(parts, 0); // a copy
    parts.close();
    a.close();
    return out;
  }

  /** Rows in the batch. */
  public int batchSize() {
    return real.length;
  }

  /** Slots per row. */
  public int capacity() {
    return real[0].length;
  }

  /** Slots filled so far. */
  public int length() {
    return length;
  }

  @Override
  public void close() {
    manager.close();
  }
}
