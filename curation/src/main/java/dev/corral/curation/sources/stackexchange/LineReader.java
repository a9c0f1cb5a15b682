package dev.corral.curation.sources.stackexchange;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of one split of a file: those whose first byte lies in {@code [start, end)}, so that
 * the splits of a file read every line exactly once, whatever their bounds. A line ends at {@code
 * \n}; a {@code \r} before it is dropped. A line longer than {@code maxBytes} is passed over
 * (reading goes on at the next line) and reported as {@link #tooLong}, never held whole in memory.
 */
final class LineReader implements Closeable {
  private static final int BUFFER = 1 << 16;

  private final InputStream in;
  private final long end;
  private final int maxBytes;
  private final byte[] buffer = new byte[BUFFER];
  private int bufferPos;
  private int bufferLen;

  /** File offset of {@code buffer[bufferPos]}. */
  private long position;

  private byte[] line = new byte[1024];

  /** The current line's bytes are {@code bytes()[0, length)}. */
  int length;

  /** The current line's offset in the file. */
  long offset;

  /** The current line was longer than the limit: its bytes are not kept. */
  boolean tooLong;

  /**
   * @param in the file, positioned at {@code start - 1} if {@code start > 0}, else at 0
   */
  LineReader(InputStream in, long start, long end, int maxBytes) throws IOException {
    this.in = in;
    this.end = end;
    this.maxBytes = maxBytes;
    if (start == 0) {
      position = 0;
    } else {
      // The line holding byte start-1 belongs to the split before, unless it ends right there.
      position = start - 1;
      int b = read();
      if (b != '\n' && b >= 0) {
        skipLine();
      }
    }
  }

  /** Bytes of the current line; valid until the next call of {@link #next}. */
  byte[] bytes() {
    return line;
  }

  /** Bytes consumed from the file so far. */
  long position() {
    return position;
  }

  /** Moves to the next line of this split; false when there is none. */
  boolean next() throws IOException {
    if (position >= end) {
      return false;
    }
    offset = position;
    length = 0;
    tooLong = false;
    boolean any = false;
    while (true) {
      if (bufferPos == bufferLen && !fill()) {
        if (!any) {
          return false;
        }
        break;
      }
      any = true;
      int from = bufferPos;
      int i = from;
      while (i < bufferLen && buffer[i] != '\n') {
        i++;
      }
      append(from, i);
      position += i - from;
      bufferPos = i;
      if (i < bufferLen) {
        bufferPos++;
        position++;
        break;
      }
    }
    if (!tooLong && length > 0 && line[length - 1] == '\r') {
      length--;
    }
    return true;
  }

  private void append(int from, int to) {
    int count = to - from;
    if (tooLong || count == 0) {
      return;
    }
    if ((long) length + count > maxBytes) {
      tooLong = true;
      length = 0;
      return;
    }
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(length + count, Math.min(maxBytes, line.length * 2)));
    }
    System.arraycopy(buffer, from, line, length, count);
    length += count;
  }

  private void skipLine() throws IOException {
    while (true) {
      if (bufferPos == bufferLen && !fill()) {
        return;
      }
      byte b = buffer[bufferPos++];
      position++;
      if (b == '\n') {
        return;
      }
    }
  }

  private int read() throws IOException {
    if (bufferPos == bufferLen && !fill()) {
      return -1;
    }
    position++;
    return buffer[bufferPos++] & 0xFF;
  }

  private boolean fill() throws IOException {
    int got = in.read(buffer, 0, BUFFER);
    if (got <= 0) {
      return false;
    }
    bufferPos = 0;
    bufferLen = got;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
