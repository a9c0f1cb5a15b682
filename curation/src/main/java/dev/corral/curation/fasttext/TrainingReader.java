package dev.corral.curation.fasttext;

import dev.corral.core.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One training thread's endless pass over the input file: it starts at its own offset (thread i of
 * n at i/n of the file, mid-line as in fastText) and wraps to the start at the end of the file.
 */
final class TrainingReader implements AutoCloseable {
  private final FileChannel channel;
  private final String path;
  private byte[] buf = new byte[1 << 20];
  private int pos;
  private int limit;
  private boolean atEnd;

  /** The current line: {@code buf[lineFrom, lineTo)}, and whether '\n' ended it. */
  int lineFrom;

  int lineTo;
  boolean newline;

  TrainingReader(Path file, long start) {
    this.path = file.toString();
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
      channel.position(start);
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
  }

  byte[] buffer() {
    return buf;
  }

  /** Moves to the next line, wrapping around at the end of the file. */
  void next() {
    while (true) {
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          lineFrom = pos;
          lineTo = i;
          newline = true;
          pos = i + 1;
          return;
        }
      }
      if (atEnd) {
        if (pos < limit) { // a last line without '\n'
          lineFrom = pos;
          lineTo = limit;
          newline = false;
          pos = limit;
          return;
        }
        rewind();
      } else {
        fill();
      }
    }
  }

  private void fill() {
    System.arraycopy(buf, pos, buf, 0, limit - pos);
    limit -= pos;
    pos = 0;
    if (limit == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
    }
    try {
      int n = channel.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
      if (n < 0) {
        atEnd = true;
      } else {
        limit += n;
      }
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
  }

  private void rewind() {
    try {
      channel.position(0);
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
    pos = 0;
    limit = 0;
    atEnd = false;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
