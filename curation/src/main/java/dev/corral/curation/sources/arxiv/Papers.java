package dev.corral.curation.sources.arxiv;

import dev.corral.core.Errors;
import dev.corral.core.text.Utf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The papers of one {@link ArxivReader.Unit}, streamed one at a time: a bulk tar's byte range, a
 * group of {@code .gz} files or of project folders. Only the current paper is held in memory.
 * Reports its counts to the accumulator when closed.
 */
final class Papers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Papers.class);

  private final ArxivReader.Unit unit;
  private final Configuration conf;
  private final ArxivReader.Options options;
  private final ReadCounts counts;
  private final ArrayDeque<Row> ready = new ArrayDeque<>(1);
  private final Map<String, Long> skipped = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();
  private long papers;
  private long bytes;
  private boolean closed;

  // A bulk tar's range.
  private FSDataInputStream in;
  private Tar.Source source;
  private TarRange range;
  private String tarPath;

  // Groups of files or folders.
  private int nextPath;

  Papers(
      ArxivReader.Unit unit, Configuration conf, ArxivReader.Options options, ReadCounts counts) {
    this.unit = unit;
    this.conf = conf;
    this.options = options;
    this.counts = counts;
    if (unit.kind().equals(ArxivReader.Unit.TAR)) {
      openTar();
    }
  }

  boolean hasNext() {
    while (ready.isEmpty() && !closed && advance()) {
      // read until a paper or the end
    }
    return !ready.isEmpty();
  }

  Row next() {
    if (!hasNext()) {
      throw new java.util.NoSuchElementException();
    }
    return ready.poll();
  }

  /** Reads one paper or reaches the end; false at the end. */
  private boolean advance() {
    return switch (unit.kind()) {
      case ArxivReader.Unit.TAR -> advanceTar();
      case ArxivReader.Unit.FILES -> advanceFile();
      default -> advanceProject();
    };
  }

  private void openTar() {
    Path path = new Path(unit.path());
    tarPath = unit.path();
    try {
      FileSystem fs = path.getFileSystem(conf);
      long length = fs.getFileStatus(path).getLen();
      in = fs.open(path);
      Tar.Source src =
          new Tar.Source() {
            @Override
            public long length() {
              return length;
            }

            @Override
            public int read(long pos, byte[] buf, int off, int len) throws IOException {
              int done = 0;
              while (done < len && pos + done < length) {
                int n = in.read(pos + done, buf, off + done, len - done);
                if (n < 0) {
                  break;
                }
                done += n;
              }
              return done;
            }
          };
      range = new TarRange(src, unit.start(), unit.end());
      this.source = src;
    } catch (IOException e) {
      throw Errors.unreadable(unit.path(), e);
    }
  }

  private boolean advanceTar() {
    try {
      if (!range.hasNext()) {
        return false;
      }
    } catch (UncheckedIOException e) {
      throw Errors.unreadable(tarPath, e.getCause());
    }
    Tar.Member m = range.next();
    String where = tarPath + ": offset " + m.offset() + " (" + m.name() + ")";
    if (m.size() > options.maxPaperBytes()) {
      skip(PaperArchive.TOO_LARGE, where);
      return true;
    }
    byte[] raw = new byte[(int) m.size()];
    try {
      if (source.read(m.dataOffset(), raw, 0, raw.length) != raw.length) {
        throw new IOException("member cut short");
      }
    } catch (IOException e) {
      throw Errors.unreadable(tarPath, e);
    }
    addBytes(Tar.BLOCK + raw.length);
    emit(
        raw,
        ArxivNames.stem(m.name()),
        ArxivNames.yymm(m.name()),
        ArxivNames.timestamp(m.mtimeSeconds(), m.mtimeMicros()),
        where);
    return true;
  }

  private boolean advanceFile() {
    if (nextPath >= unit.paths().size()) {
      return false;
    }
    String file = unit.paths().get(nextPath++);
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(path);
      if (status.getLen() > options.maxPaperBytes()) {
        skip(PaperArchive.TOO_LARGE, file);
        return true;
      }
      byte[] raw = new byte[(int) status.getLen()];
      try (FSDataInputStream f = fs.open(path)) {
        f.readFully(0, raw);
      }
      addBytes(raw.length);
      String parent = path.getParent() == null ? null : path.getParent().getName();
      emit(
          raw,
          ArxivNames.stem(path.getName()),
          parent == null || parent.isEmpty() ? null : ArxivNames.stem(parent),
          millis(status.getModificationTime()),
          file);
    } catch (IOException e) {
      throw Errors.unreadable(file, e);
    }
    return true;
  }

  private boolean advanceProject() {
    if (nextPath >= unit.paths().size()) {
      return false;
    }
    String folder = unit.paths().get(nextPath++);
    Path path = new Path(folder);
    try {
      FileSystem fs = path.getFileSystem(conf);
      List<FileStatus> tex = new ArrayList<>();
      texFiles(fs, path, tex);
      tex.sort(Comparator.comparing(s -> s.getPath().toString()));
      List<String> files = new ArrayList<>();
      long newest = 0;
      long total = 0;
      for (FileStatus s : tex) {
        total += s.getLen();
        if (total > options.maxPaperBytes()) {
          skip(PaperArchive.TOO_LARGE, folder);
          return true;
        }
        byte[] raw = new byte[(int) s.getLen()];
        try (FSDataInputStream f = fs.open(s.getPath())) {
          f.readFully(0, raw);
        }
        addBytes(raw.length);
        String text = Utf8.decode(raw, 0, raw.length);
        if (text == null) {
          skip(PaperArchive.NON_UTF8, s.getPath().toString());
          return true;
        }
        files.add(text);
        newest = Math.max(newest, s.getModificationTime());
      }
      String parent = path.getParent() == null ? null : path.getParent().getName();
      deliver(
          ArxivReader.row(
              path.getName(),
              parent == null || parent.isEmpty() ? null : ArxivNames.stem(parent),
              millis(newest),
              files));
    } catch (IOException e) {
      throw Errors.unreadable(folder, e);
    }
    return true;
  }

  private static void texFiles(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
    FileStatus[] children = fs.listStatus(dir);
    Arrays.sort(children);
    for (FileStatus c : children) {
      if (c.isDirectory()) {
        texFiles(fs, c.getPath(), out);
      } else if (c.getPath().getName().endsWith(".tex")) {
        out.add(c);
      }
    }
  }

  private static String millis(long epochMillis) {
    return ArxivNames.timestamp(
        Math.floorDiv(epochMillis, 1000), (int) Math.floorMod(epochMillis, 1000) * 1000);
  }

  private void emit(byte[] raw, String rawId, String yymm, String timestamp, String where) {
    PaperArchive.Loaded loaded = PaperArchive.load(raw, options.maxPaperBytes());
    if (loaded.skipReason() != null) {
      skip(loaded.skipReason(), where);
      return;
    }
    deliver(ArxivReader.row(rawId, yymm, timestamp, loaded.files()));
  }

  private void deliver(Row row) {
    papers++;
    ready.add(row);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.taskMetrics().inputMetrics().incRecordsRead(1);
    }
  }

  private void addBytes(long n) {
    bytes += n;
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.taskMetrics().inputMetrics().incBytesRead(n);
    }
  }

  private void skip(String reason, String where) {
    skipped.merge(reason, 1L, Long::sum);
    if (problems.size() < ReadCounts.MAX_PROBLEMS) {
      problems.add(where + ": " + reason);
    }
    if (problems.size() == 1) {
      LOG.warn(
          "arXiv: skipped {}: {} (further skips are counted in the run record)", where, reason);
    }
  }

  /** Closes the tar and reports the counts; a second call does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (range != null) {
      for (String p : range.problems()) {
        skipped.merge(ArxivReader.DAMAGED_TAR, 1L, Long::sum);
        if (problems.size() < ReadCounts.MAX_PROBLEMS) {
          problems.add(tarPath + ": " + p);
        }
      }
    }
    counts.add(
        new ReadCounts.Share(
            unit.key(),
            papers,
            range == null ? 0 : range.otherMembers(),
            bytes,
            new TreeMap<>(skipped),
            List.copyOf(problems)));
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // a read-only stream at the end of its task; nothing to recover
      }
    }
  }
}
