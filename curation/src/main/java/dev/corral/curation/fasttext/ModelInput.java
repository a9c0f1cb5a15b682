package dev.corral.curation.fasttext;

import dev.corral.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian reads from a model stream of known length. Every read first checks that the bytes
 * are there, so a corrupt header can never make us allocate more than the file holds.
 */
final class ModelInput implements AutoCloseable {
  private static final int BUFFER = 1 << 16;

  private final InputStream in;
  private final String path;
  private final long length;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  private long position; // bytes consumed by the caller

  ModelInput(InputStream in, long length, String path) {
    this.in = in;
    this.length = length;
    this.path = path;
    buffer.limit(0);
  }

  String path() {
    return path;
  }

  long position() {
    return position;
  }

  long remaining() {
    return length - position;
  }

  /** Fails unless {@code count} items of {@code size} bytes fit in what is left of the file. */
  void require(long count, long size, String reading) {
    if (count < 0) {
      throw Errors.badModel(path, position, reading + " has a negative size " + count);
    }
    long needed;
    try {
      needed = Math.multiplyExact(count, size);
    } catch (ArithmeticException e) {
      needed = Long.MAX_VALUE;
    }
    if (needed > remaining()) {
      throw Errors.truncatedModel(path, position, reading, needed, remaining());
    }
  }

  private void fill(int bytes, String reading) {
    require(bytes, 1, reading);
    if (buffer.remaining() >= bytes) {
      return;
    }
    buffer.compact();
    try {
      while (buffer.position() < bytes) {
        int n = in.read(buffer.array(), buffer.position(), buffer.capacity() - buffer.position());
        if (n < 0) {
          throw Errors.truncatedModel(path, position, reading, bytes, buffer.position());
        }
        buffer.position(buffer.position() + n);
      }
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
    buffer.flip();
  }

  byte readByte(String reading) {
    fill(1, reading);
    position += 1;
    return buffer.get();
  }

  boolean readBool(String reading) {
    byte b = readByte(reading);
    if (b != 0 && b != 1) {
      throw Errors.badModel(path, position - 1, reading + " should be 0 or 1, found " + b);
    }
    return b == 1;
  }

  int readInt(String reading) {
    fill(4, reading);
    position += 4;
    return buffer.getInt();
  }

  long readLong(String reading) {
    fill(8, reading);
    position += 8;
    return buffer.getLong();
  }

  double readDouble(String reading) {
    fill(8, reading);
    position += 8;
    return buffer.getDouble();
  }

  /** Reads a NUL-terminated byte string of at most {@code maxLength} bytes. */
  byte[] readCString(int maxLength, String reading) {
    byte[] small = new byte[64];
    int n = 0;
    while (true) {
      byte b = readByte(reading);
      if (b == 0) {
        break;
      }
      if (n == maxLength) {
        throw Errors.badModel(
            path, position, reading + " is not NUL-terminated within " + maxLength + " bytes");
      }
      if (n == small.length) {
        small = java.util.Arrays.copyOf(small, Math.min(maxLength, n * 2));
      }
      small[n++] = b;
    }
    return java.util.Arrays.copyOf(small, n);
  }

  void readBytes(byte[] dst, int offset, int count, String reading) {
    require(count, 1, reading);
    int done = 0;
    while (done < count) {
      int chunk = Math.min(count - done, BUFFER);
      fill(chunk, reading);
      buffer.get(dst, offset + done, chunk);
      position += chunk;
      done += chunk;
    }
  }

  void readFloats(float[] dst, int offset, int count, String reading) {
    require(count, 4, reading);
    int done = 0;
    while (done < count) {
      int chunk = Math.min(count - done, BUFFER / 4);
      fill(chunk * 4, reading);
      buffer.asFloatBuffer().get(dst, offset + done, chunk);
      buffer.position(buffer.position() + chunk * 4);
      position += chunk * 4L;
      done += chunk;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
