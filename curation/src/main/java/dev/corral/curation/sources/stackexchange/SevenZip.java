package dev.corral.curation.sources.stackexchange;

import dev.corral.core.job.OutputFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Locale;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZFileOptions;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;

/**
 * Decodes the {@code Posts.xml} of a site's 7z archive into a plain copy that Spark can split by
 * lines: one pass, streaming, in memory bounded by the archive's LZMA dictionary whatever the size
 * of the archive (a 7z stream cannot be split, so one task decodes it once). Rows are counted on
 * the way, for choosing the largest sites.
 *
 * <p>A damaged archive costs what cannot be decoded and no more: an archive whose header cannot be
 * read (a download cut short loses the header, which 7z writes last) gives nothing; a stream that
 * breaks half way keeps every complete line decoded before the break; a checksum that does not
 * match at the end keeps the lines (the damage cannot be placed) but is reported. Each problem is
 * reported with the offset in the decoded {@code Posts.xml} (or in the archive) where it was found.
 */
final class SevenZip {
  private SevenZip() {}

  /**
   * What staging one archive did.
   *
   * @param site the archive's site
   * @param archive the archive's path
   * @param staged the decoded copy's path, null when nothing could be decoded
   * @param rows lines starting with {@code <row} in the copy
   * @param bytes bytes in the copy
   * @param problem null, or {@code archive_unreadable}, {@code archive_truncated} or {@code
   *     archive_checksum}
   * @param where the problem's place and cause, {@code file:offset: why}
   */
  record Staged(
      String site,
      String archive,
      String staged,
      long rows,
      long bytes,
      String problem,
      String where)
      implements Serializable {}

  /** Decodes {@code source}'s {@code Posts.xml} to {@code target}. */
  static Staged stage(FileSystem fs, Sites.Source source, Path target) throws IOException {
    Path archive = new Path(source.path());
    long length = fs.getFileStatus(archive).getLen();
    SevenZFile file;
    HadoopChannel channel = new HadoopChannel(fs.open(archive), length);
    try {
      file =
          new SevenZFile(
              channel,
              archive.getName(),
              SevenZFileOptions.builder().withTryToRecoverBrokenArchives(false).build());
    } catch (IOException | RuntimeException e) {
      channel.close();
      return new Staged(
          source.site(),
          source.path(),
          null,
          0,
          0,
          "archive_unreadable",
          source.path() + ":" + length + ": cannot read the 7z header: " + e.getMessage());
    }
    try (file) {
      SevenZArchiveEntry entry;
      while ((entry = file.getNextEntry()) != null) {
        String name = entry.getName();
        String base = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (!entry.isDirectory() && base.equals("posts.xml")) {
          return copy(fs, source, file, channel, target);
        }
      }
      return new Staged(
          source.site(),
          source.path(),
          null,
          0,
          0,
          "archive_unreadable",
          source.path() + ":0: the archive holds no Posts.xml");
    } catch (IOException | RuntimeException e) {
      return new Staged(
          source.site(),
          source.path(),
          null,
          0,
          0,
          "archive_unreadable",
          source.path() + ":" + channel.position() + ": " + e.getMessage());
    }
  }

  /** Copies the current entry; keeps what decodes, up to the last complete line. */
  private static Staged copy(
      FileSystem fs, Sites.Source source, SevenZFile file, HadoopChannel channel, Path target)
      throws IOException {
    // Small reads: a stream that breaks loses the read under way, so keep it short.
    byte[] buffer = new byte[1 << 12];
    RowCounter rows = new RowCounter();
    long written = 0;
    long lineStart = 0; // offset of the first byte after the last '\n' written
    String problem = null;
    String where = null;
    TaskContext task = TaskContext.get();
    try (OutputStream out = fs.create(target, true)) {
      InputStream in = entryStream(file);
      long archiveBefore = channel.position();
      while (true) {
        int got;
        try {
          got = in.read(buffer);
        } catch (IOException | RuntimeException e) {
          boolean checksum =
              String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("checksum");
          problem = checksum ? "archive_checksum" : "archive_truncated";
          where =
              target.getName()
                  + " of "
                  + source.path()
                  + ":"
                  + (checksum ? written : lineStart)
                  + ": "
                  + (checksum
                      ? "the decoded Posts.xml does not match its checksum"
                      : "the 7z stream breaks off here (" + e.getMessage() + ")");
          break;
        }
        if (got < 0) {
          break;
        }
        // Only whole lines are written: a line cut by a broken stream must not pass for a row.
        int lastNewline = -1;
        for (int i = got - 1; i >= 0; i--) {
          if (buffer[i] == '\n') {
            lastNewline = i;
            break;
          }
        }
        out.write(buffer, 0, got);
        rows.count(buffer, got);
        written += got;
        if (lastNewline >= 0) {
          lineStart = written - (got - lastNewline - 1);
        }
        if (task != null) {
          long now = channel.position();
          task.taskMetrics().inputMetrics().incBytesRead(now - archiveBefore);
          archiveBefore = now;
        }
      }
    }
    if ("archive_truncated".equals(problem) && lineStart < written) {
      truncate(fs, target, lineStart);
      written = lineStart;
      rows = RowCounter.of(fs, target);
    }
    return new Staged(
        source.site(), source.path(), target.toString(), rows.rows, written, problem, where);
  }

  /** The current entry's stream (SevenZFile reads the entry getNextEntry returned last). */
  private static InputStream entryStream(SevenZFile file) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        return file.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return file.read(b, off, len);
      }
    };
  }

  /** Cuts the copy at {@code length} (Hadoop file systems cannot all truncate: rewrite it). */
  private static void truncate(FileSystem fs, Path target, long length) throws IOException {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".cut");
    try (InputStream in = fs.open(target);
        OutputStream out = fs.create(tmp, true)) {
      byte[] buffer = new byte[1 << 20];
      long left = length;
      while (left > 0) {
        int got = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (got < 0) {
          break;
        }
        out.write(buffer, 0, got);
        left -= got;
      }
    }
    OutputFile.replace(fs, tmp, target);
  }

  /** Counts lines whose first non-blank characters are {@code <row}, across buffer boundaries. */
  static final class RowCounter {
    private static final byte[] ROW = {'<', 'r', 'o', 'w'};
    long rows;

    /** -1: past the line's start; 0..3: bytes of "<row" matched after blanks at a line's start. */
    private int state;

    void count(byte[] b, int len) {
      for (int i = 0; i < len; i++) {
        byte c = b[i];
        if (c == '\n') {
          state = 0;
        } else if (state >= 0) {
          if (state == 0 && isBlankOrBom(c)) {
            continue;
          }
          if (c == ROW[state]) {
            state++;
            if (state == ROW.length) {
              rows++;
              state = -1;
            }
          } else {
            state = -1;
          }
        }
      }
    }

    private static boolean isBlankOrBom(byte c) {
      return c == ' '
          || c == '\t'
          || c == '\r'
          || c == (byte) 0xEF
          || c == (byte) 0xBB
          || c == (byte) 0xBF;
    }

    static RowCounter of(FileSystem fs, Path file) throws IOException {
      RowCounter counter = new RowCounter();
      try (InputStream in = fs.open(file)) {
        byte[] buffer = new byte[1 << 20];
        int got;
        while ((got = in.read(buffer)) > 0) {
          counter.count(buffer, got);
        }
      }
      return counter;
    }
  }

  /** A Hadoop file as the seekable channel SevenZFile reads (any Hadoop file system). */
  static final class HadoopChannel implements SeekableByteChannel {
    private final FSDataInputStream in;
    private final long size;
    private final byte[] chunk = new byte[1 << 16];
    private long position;
    private boolean open = true;

    HadoopChannel(FSDataInputStream in, long size) {
      this.in = in;
      this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (position >= size) {
        return -1;
      }
      int want = (int) Math.min(Math.min(dst.remaining(), size - position), chunk.length);
      int got = in.read(position, chunk, 0, want);
      if (got <= 0) {
        return -1;
      }
      dst.put(chunk, 0, got);
      position += got;
      return got;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() throws IOException {
      open = false;
      in.close();
    }
  }
}
