package dev.corral.curation.lm;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The bytes of a model file, little-endian, addressed by a {@code long} offset: memory-mapped from
 * a local file or read into the heap from a stream, in chunks of 1 GiB because one Java buffer
 * holds at most 2 GiB. Each chunk also holds the first bytes of the next one, so a read of up to
 * {@value #OVERLAP} bytes never straddles two chunks.
 */
final class ModelBytes {
  private static final int CHUNK_SHIFT = 30;
  private static final long CHUNK = 1L << CHUNK_SHIFT;
  private static final long OFFSET_MASK = CHUNK - 1;
  static final int OVERLAP = 64;

  private final ByteBuffer[] chunks;
  private final long size;

  private ModelBytes(ByteBuffer[] chunks, long size) {
    this.chunks = chunks;
    this.size = size;
  }

  /** The first {@code size} bytes of {@code channel}, mapped read-only. */
  static ModelBytes map(FileChannel channel, long size) throws IOException {
    ByteBuffer[] chunks = new ByteBuffer[chunkCount(size)];
    for (int i = 0; i < chunks.length; i++) {
      long start = i * CHUNK;
      long length = Math.min(CHUNK + OVERLAP, size - start);
      chunks[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
      chunks[i].order(ByteOrder.LITTLE_ENDIAN);
    }
    return new ModelBytes(chunks, size);
  }

  /**
   * The next {@code size} bytes of {@code in}, copied into the heap (for file systems that cannot
   * map). The caller has checked {@code size} against the file's length.
   */
  static ModelBytes read(InputStream in, long size) throws IOException {
    ByteBuffer[] chunks = new ByteBuffer[chunkCount(size)];
    byte[][] arrays = new byte[chunks.length][];
    for (int i = 0; i < chunks.length; i++) {
      long start = i * CHUNK;
      arrays[i] = new byte[(int) Math.min(CHUNK + OVERLAP, size - start)];
      int own = (int) Math.min(CHUNK, size - start);
      if (in.readNBytes(arrays[i], 0, own) != own) {
        throw new EOFException("the stream ends before byte " + (start + own));
      }
    }
    for (int i = 0; i + 1 < chunks.length; i++) {
      System.arraycopy(arrays[i + 1], 0, arrays[i], (int) CHUNK, arrays[i].length - (int) CHUNK);
    }
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = ByteBuffer.wrap(arrays[i]).order(ByteOrder.LITTLE_ENDIAN);
    }
    return new ModelBytes(chunks, size);
  }

  private static int chunkCount(long size) {
    return (int) Math.max(1, (size + CHUNK - 1) >>> CHUNK_SHIFT);
  }

  long size() {
    return size;
  }

  long getLong(long at) {
    return chunks[(int) (at >>> CHUNK_SHIFT)].getLong((int) (at & OFFSET_MASK));
  }

  int getInt(long at) {
    return chunks[(int) (at >>> CHUNK_SHIFT)].getInt((int) (at & OFFSET_MASK));
  }

  float getFloat(long at) {
    return chunks[(int) (at >>> CHUNK_SHIFT)].getFloat((int) (at & OFFSET_MASK));
  }

  byte get(long at) {
    return chunks[(int) (at >>> CHUNK_SHIFT)].get((int) (at & OFFSET_MASK));
  }
}
