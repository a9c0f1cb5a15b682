package dev.corral.jobs.plan;

import dev.corral.core.Errors;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A few MB of one source's inputs, spread over its files, copied into a folder for the plan to run
 * the source's steps on. Files are chosen evenly over the sorted list (the first, the last and
 * those between), each contributing at most an equal share of the budget:
 *
 * <ul>
 *   <li>a smaller file is copied whole;
 *   <li>a larger gzip file ({@code .gz}, not a tar) is cut at a record boundary and compressed
 *       again (a line of JSON Lines, a {@code WARC/} header line of a WARC/WET file);
 *   <li>a larger {@code .bz2}, XML or text file is cut to its first bytes (the sources read a
 *       truncated stream as they read any truncated dump: the broken last record is skipped);
 *   <li>an archive or table ({@code .tar}, {@code .7z}, {@code .zip}, Parquet) is copied whole.
 * </ul>
 *
 * The sample's {@link Sampled#scale()} is the input's bytes over the bytes of it that the sample
 * holds (compressed bytes, as stored), the factor by which the plan multiplies what the sample
 * cost.
 */
public final class InputSample {
  private InputSample() {}

  /**
   * What was sampled.
   *
   * @param paths the sample's inputs, in the form the source's steps read: folders keep their name
   * @param inputBytes the stored bytes of every input file
   * @param sampledBytes the stored bytes of the input that the sample holds
   * @param inputFiles the number of input files
   * @param sampledFiles the number of files the sample took from (whole or cut)
   */
  public record Sampled(
      List<String> paths, long inputBytes, long sampledBytes, int inputFiles, int sampledFiles) {
    /** Input bytes per sampled byte: what the sample's costs and sizes are multiplied by. */
    public double scale() {
      return sampledBytes == 0 ? 1 : (double) inputBytes / sampledBytes;
    }
  }

  private record Candidate(int input, FileStatus file, String relative, String folder) {}

  /**
   * Samples about {@code budget} bytes of {@code inputs} (paths, globs, folders) into {@code
   * target}, which must not exist.
   */
  public static Sampled take(Configuration conf, List<String> inputs, long budget, Path target) {
    return take(conf, inputs, budget, budget, 1, target);
  }

  /**
   * Samples about {@code budget} bytes from {@code spread} times the files a sample of {@code
   * filesFor} bytes would take (as many as there are, at most), each cut to an equal share. With
   * {@code spread} 1, samples of two sizes read as many files, so Spark runs them in as many tasks
   * and a task's fixed cost does not pass for cost per byte; with more, the same bytes come from
   * more files, which tells what a step pays per file.
   */
  public static Sampled take(
      Configuration conf,
      List<String> inputs,
      long budget,
      long filesFor,
      int spread,
      Path target) {
    List<Candidate> files = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < inputs.size(); i++) {
      Path p = new Path(inputs.get(i));
      try {
        FileSystem fs = p.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(p);
        if (matches == null || matches.length == 0) {
          throw Errors.badUsage(inputs.get(i), "matches no file");
        }
        for (FileStatus m : matches) {
          String name = m.getPath().getName();
          if (m.isDirectory()) {
            total += list(fs, m, name, i, name, files);
          } else if (!hidden(name)) {
            files.add(new Candidate(i, m, name, null));
            total += m.getLen();
          }
        }
      } catch (IOException e) {
        throw Errors.unreadable(inputs.get(i), e);
      }
    }
    if (files.isEmpty()) {
      throw Errors.badInput(String.join(",", inputs), "no files to sample");
    }
    files.sort((a, b) -> a.file().getPath().toString().compareTo(b.file().getPath().toString()));
    long average = Math.max(1, total / files.size());
    int wanted =
        (int) Math.max(1, Math.min(files.size(), spread * Math.ceil((double) filesFor / average)));
    long share = Math.max(1, budget / wanted);

    List<String> paths = new ArrayList<>();
    long sampled = 0;
    int copied = 0;
    int previous = -1;
    for (int j = 0; j < wanted; j++) {
      int index =
          wanted == 1 ? 0 : (int) Math.round((double) j * (files.size() - 1) / (wanted - 1));
      if (index == previous) {
        continue;
      }
      previous = index;
      Candidate c = files.get(index);
      Path inputFolder = new Path(target, String.valueOf(c.input()));
      Path copy = new Path(inputFolder, c.relative());
      sampled += copy(conf, c.file(), copy, share);
      copied++;
      String path =
          c.folder() == null ? copy.toString() : new Path(inputFolder, c.folder()).toString();
      if (!paths.contains(path)) {
        paths.add(path);
      }
    }
    return new Sampled(List.copyOf(paths), total, sampled, files.size(), copied);
  }

  private static long list(
      FileSystem fs, FileStatus dir, String relative, int input, String folder, List<Candidate> out)
      throws IOException {
    long bytes = 0;
    for (FileStatus child : fs.listStatus(dir.getPath())) {
      String name = child.getPath().getName();
      if (hidden(name)) {
        continue;
      }
      String rel = relative + "/" + name;
      if (child.isDirectory()) {
        bytes += list(fs, child, rel, input, folder, out);
      } else {
        out.add(new Candidate(input, child, rel, folder));
        bytes += child.getLen();
      }
    }
    return bytes;
  }

  private static boolean hidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }

  /**
   * Copies {@code file} whole or its first {@code share} bytes; returns the input bytes it holds.
   */
  private static long copy(Configuration conf, FileStatus file, Path to, long share) {
    String name = file.getPath().getName().toLowerCase(Locale.ROOT);
    boolean archive =
        name.matches(".*\\.(tar|tgz|tar\\.gz|7z|zip|parquet|snappy\\.parquet)$")
            || name.endsWith(".tar.bz2");
    try {
      FileSystem in = file.getPath().getFileSystem(conf);
      FileSystem out = to.getFileSystem(conf);
      if (file.getLen() <= share || archive) {
        org.apache.hadoop.fs.FileUtil.copy(in, file.getPath(), out, to, false, conf);
        return file.getLen();
      }
      try (CountingInputStream raw = new CountingInputStream(in.open(file.getPath()));
          OutputStream o = out.create(to, false)) {
        if (name.endsWith(".gz")) {
          cutGzip(raw, o, share, name.contains("warc") || name.contains(".wet"));
          return Math.min(file.getLen(), raw.count);
        }
        return cutBytes(raw, o, share, name.endsWith(".bz2"));
      }
    } catch (IOException e) {
      throw Errors.unreadable(file.getPath().toString(), e);
    }
  }

  /**
   * Whole records until {@code share} compressed bytes were read, compressed again byte for byte:
   * WARC lines end in CRLF and a record's Content-Length counts bytes, so lines are not re-encoded.
   */
  private static void cutGzip(CountingInputStream raw, OutputStream o, long share, boolean warc)
      throws IOException {
    try (InputStream r = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        OutputStream w = new GZIPOutputStream(o, 1 << 16)) {
      boolean started = false;
      LineBuffer line = new LineBuffer();
      while (readLine(r, line)) {
        boolean boundary = !warc || line.startsWith(WARC_VERSION);
        if (started && boundary && raw.count >= share) {
          break;
        }
        started = true;
        line.writeTo(w);
      }
    } catch (java.io.EOFException e) {
      // A truncated input ends the sample where it ends.
    }
  }

  private static final byte[] WARC_VERSION = "WARC/".getBytes(StandardCharsets.US_ASCII);

  /** The next line into {@code line}, its terminator kept; false at the end of the stream. */
  private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
    line.reset();
    for (int b = in.read(); b >= 0; b = in.read()) {
      line.write(b);
      if (b == '\n') {
        return true;
      }
    }
    return line.size() > 0;
  }

  /** A line's bytes, whose start is checked in place rather than copied out. */
  private static final class LineBuffer extends ByteArrayOutputStream {
    boolean startsWith(byte[] prefix) {
      return count >= prefix.length
          && java.util.Arrays.equals(buf, 0, prefix.length, prefix, 0, prefix.length);
    }
  }

  /**
   * The first {@code share} bytes; a text file ends at its last whole line, or at the end of its
   * first line when that alone is longer than {@code share} (a book of PG-19 is one line).
   */
  private static long cutBytes(InputStream raw, OutputStream o, long share, boolean binary)
      throws IOException {
    byte[] head = raw.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, share));
    int end = head.length;
    if (!binary) {
      while (end > 0 && head[end - 1] != '\n') {
        end--;
      }
      if (end == 0) {
        o.write(head);
        long written = head.length;
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        readLine(new BufferedInputStream(raw, 1 << 16), rest);
        rest.writeTo(o);
        return written + rest.size();
      }
    }
    o.write(head, 0, end);
    return end;
  }

  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(0, n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      count += s;
      return s;
    }
  }
}
