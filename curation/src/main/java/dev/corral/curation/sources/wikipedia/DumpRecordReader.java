package dev.corral.curation.sources.wikipedia;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.utils.BoundedInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CodecPool;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.Decompressor;
import org.apache.hadoop.io.compress.SplitCompressionInputStream;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.util.LineReader;

/**
 * Reads one split of a dump as records: pages ({@code <page>} to {@code </page>}) of XML dumps,
 * {@code index}/document line pairs of CirrusSearch dumps.
 *
 * <p>A record belongs to the split holding the line it starts on, however far it runs: the split
 * reads lines as Hadoop's {@code LineRecordReader} does (which gives every line to exactly one
 * split), starts records only on lines it owns, and reads on past its end to finish the record in
 * hand; lines before its first record start are the end of the previous split's record. So a file
 * split into any number of tasks yields each page once.
 *
 * <p>What cannot be read becomes an {@link DumpRecord#error()} record with its offset, and reading
 * resumes at the next place it can: a page without {@code </page>} before the next {@code <page>}
 * (the next is kept), a broken bzip2 block (reading resumes at the next block, as a split would
 * start there) or multistream stream (at the next stream), a file that ends inside a page.
 */
final class DumpRecordReader extends RecordReader<LongWritable, DumpRecord> {
  /** A page longer than this is not a page but a missing {@code </page>}. */
  static final int MAX_RECORD_BYTES = 256 << 20;

  private static final byte[] PAGE_START = "<page>".getBytes();
  private static final byte[] PAGE_END = "</page>".getBytes();
  private static final byte[] CIRRUS_INDEX = "{\"index\"".getBytes();

  /** Resumptions after broken stretches, beyond which a split gives up (a file of garbage). */
  private static final int MAX_RESYNCS = 100_000;

  private int resyncs;
  private String file;
  private long splitStart;
  private boolean cirrus;
  private Lines lines;
  private final Text line = new Text();
  private final ArrayDeque<DumpRecord> ready = new ArrayDeque<>();
  private final Buffer buffer = new Buffer();
  private boolean inRecord;
  private boolean tooLong;
  private long recordStart;
  private byte[] cirrusIndex;
  private boolean done;
  private LongWritable key;
  private DumpRecord value;

  @Override
  public void initialize(InputSplit genericSplit, TaskAttemptContext context) throws IOException {
    FileSplit split = (FileSplit) genericSplit;
    Configuration conf = context.getConfiguration();
    Path path = split.getPath();
    file = path.toString();
    splitStart = split.getStart();
    cirrus = DumpInputFormat.isCirrus(path.getName());
    FileSystem fs = path.getFileSystem(conf);
    if (split instanceof DumpInputFormat.StreamSplit streams) {
      lines = new StreamLines(fs, path, streams.streams(), split.getStart() + split.getLength());
    } else {
      lines = new HadoopLines(fs, conf, split);
    }
  }

  @Override
  public boolean nextKeyValue() throws IOException {
    while (ready.isEmpty() && !done) {
      step();
    }
    if (ready.isEmpty()) {
      key = null;
      value = null;
      return false;
    }
    value = ready.poll();
    key = new LongWritable(value.offset());
    return true;
  }

  /** Reads one line and acts on it; any record it completes goes to {@link #ready}. */
  private void step() throws IOException {
    boolean got;
    try {
      if (!inRecord && !lines.owns()) {
        done = true;
        return;
      }
      got = lines.next(line);
    } catch (IOException e) {
      // A broken stretch (a bad bzip2 block or stream): the record in hand is lost with it.
      if (inRecord) {
        // The page in hand is lost: reported where it starts (it may have run past the split).
        ready.add(
            DumpRecord.unreadable(file, splitStart, recordStart, "unreadable page: " + message(e)));
      } else if (!lines.failingAgain()) {
        ready.add(
            DumpRecord.unreadable(
                file, splitStart, lines.errorPosition(), "unreadable: " + message(e)));
      }
      dropRecord();
      if (++resyncs > MAX_RESYNCS || !lines.resync()) {
        done = true;
      }
      return;
    }
    if (!got) {
      if (inRecord) {
        ready.add(
            DumpRecord.unreadable(
                file,
                splitStart,
                recordStart,
                cirrus
                    ? "the file ends after an index line, without its document"
                    : "the file ends inside this page, before </page>"));
        dropRecord();
      }
      done = true;
      return;
    }
    if (cirrus) {
      cirrusLine();
    } else {
      pageLine();
    }
  }

  private void pageLine() {
    byte[] b = line.getBytes();
    int n = line.getLength();
    int first = 0;
    while (first < n && (b[first] == ' ' || b[first] == '\t')) {
      first++;
    }
    boolean starts = startsWith(b, first, n, PAGE_START);
    if (starts) {
      if (inRecord) {
        ready.add(
            DumpRecord.unreadable(
                file, splitStart, recordStart, "the page has no </page> before the next <page>"));
        dropRecord();
      }
      if (!lines.ownsLastLine()) {
        return; // a page that starts past the split is the next split's
      }
      inRecord = true;
      tooLong = false;
      recordStart = lines.position();
      buffer.reset();
    } else if (!inRecord) {
      return; // the siteinfo, the end of the dump, or the end of the previous split's page
    } else {
      buffer.append((byte) '\n');
    }
    if (!tooLong) {
      if (buffer.length() + n > MAX_RECORD_BYTES) {
        tooLong = true;
      } else {
        buffer.append(b, 0, n);
      }
    }
    if (contains(b, first, n, PAGE_END)) {
      ready.add(
          tooLong
              ? DumpRecord.unreadable(
                  file, splitStart, recordStart, "the page is larger than " + MAX_RECORD_BYTES)
              : new DumpRecord(file, splitStart, recordStart, buffer.copy(), null, null));
      dropRecord();
    }
  }

  private void cirrusLine() {
    byte[] b = line.getBytes();
    int n = line.getLength();
    if (startsWith(b, 0, n, CIRRUS_INDEX)) {
      if (inRecord) {
        ready.add(
            DumpRecord.unreadable(
                file, splitStart, recordStart, "an index line without its document"));
        dropRecord();
      }
      if (!lines.ownsLastLine()) {
        return;
      }
      inRecord = true;
      recordStart = lines.position();
      cirrusIndex = Arrays.copyOf(b, n);
    } else if (inRecord) {
      ready.add(
          new DumpRecord(file, splitStart, recordStart, Arrays.copyOf(b, n), cirrusIndex, null));
      dropRecord();
    }
    // A document line without its index line before it is the previous split's.
  }

  private void dropRecord() {
    inRecord = false;
    tooLong = false;
    cirrusIndex = null;
    buffer.reset();
  }

  private static String message(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The 48 bits that start every bzip2 block (the digits of pi, as BCD). */
  private static final long BLOCK_MAGIC = 0x314159265359L;

  /**
   * The offset of the byte holding the first bit of the first bzip2 block marker that starts at or
   * after byte {@code from} and before byte {@code limit}; -1 when none does. Markers are not
   * byte-aligned, so this scans bit by bit.
   */
  static long nextBlockMarker(FileSystem fs, Path path, long from, long limit) throws IOException {
    try (FSDataInputStream raw = fs.open(path)) {
      raw.seek(from);
      InputStream in = new java.io.BufferedInputStream(raw, 1 << 16);
      long window = 0;
      long bits = 0;
      int b;
      while ((b = in.read()) >= 0) {
        for (int i = 7; i >= 0; i--) {
          window = ((window << 1) | ((b >> i) & 1)) & 0xFFFFFFFFFFFFL;
          bits++;
          if (bits >= 48 && window == BLOCK_MAGIC) {
            long marker = from + (bits - 48) / 8;
            return marker < limit ? marker : -1;
          }
        }
        if (from + bits / 8 - 6 > limit) {
          return -1;
        }
      }
      return -1;
    }
  }

  private static boolean startsWith(byte[] b, int from, int n, byte[] prefix) {
    if (n - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(byte[] b, int from, int n, byte[] needle) {
    outer:
    for (int i = from; i + needle.length <= n; i++) {
      if (b[i] != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public LongWritable getCurrentKey() {
    return key;
  }

  @Override
  public DumpRecord getCurrentValue() {
    return value;
  }

  @Override
  public float getProgress() throws IOException {
    return lines == null ? 0 : lines.progress();
  }

  @Override
  public void close() throws IOException {
    if (lines != null) {
      lines.close();
    }
  }

  /** A growable byte buffer. */
  private static final class Buffer {
    private byte[] bytes = new byte[1 << 16];
    private int length;

    void reset() {
      length = 0;
      if (bytes.length > 1 << 24) {
        bytes = new byte[1 << 16]; // let one huge page's buffer go
      }
    }

    int length() {
      return length;
    }

    void append(byte b) {
      ensure(1);
      bytes[length++] = b;
    }

    void append(byte[] b, int off, int n) {
      ensure(n);
      System.arraycopy(b, off, bytes, length, n);
      length += n;
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
      }
    }

    byte[] copy() {
      return Arrays.copyOf(bytes, length);
    }
  }

  // ------------------------------------------------------------------ line sources

  /** The lines of a split, with what the split owns. */
  private interface Lines extends Closeable {
    /** Whether the next line belongs to this split (a record may start on it). */
    boolean owns() throws IOException;

    /** Whether the line just read was owned (asked of a line read while a record was open). */
    boolean ownsLastLine();

    /** Reads the next line (without its end); false at the end of what can be read. */
    boolean next(Text line) throws IOException;

    /** The offset reported for a record starting at the line just read. */
    long position();

    /** The offset of what was being read when reading failed. */
    long errorPosition();

    /** After a read error: moves to where reading can go on; false when nothing is left. */
    boolean resync() throws IOException;

    /** Whether reading failed again where it resumed, with no line read in between. */
    boolean failingAgain();

    float progress() throws IOException;
  }

  /**
   * Lines as Hadoop's {@code LineRecordReader} reads them: plain files from the split's start
   * (dropping the first, partial line unless the split starts the file), splittable compressed
   * files (bzip2) from the first block that starts in the split, other compressed files whole; a
   * line is the split's while the position before it is at most the split's end. Unlike Hadoop's
   * split line readers, which stop one line past the end, these lines go on to the end of the file,
   * so that a page can be finished however long it is. (Hadoop also reads one more line when a
   * split ends between the {@code \r} and {@code \n} of a line end; dumps end lines with {@code \n}
   * alone.)
   */
  private static final class HadoopLines implements Lines {
    private final FileSystem fs;
    private final Path path;
    private final CompressionCodec codec;
    private final long end;
    private long from;
    private FSDataInputStream fileIn;
    private Decompressor decompressor;
    private LineReader in;
    private SplitCompressionInputStream compressed;
    private long start;
    private long pos;
    private long lineStart;
    private boolean lastOwned;
    private boolean produced;
    private long resumedAt = -1;

    HadoopLines(FileSystem fs, Configuration conf, FileSplit split) {
      this.fs = fs;
      this.path = split.getPath();
      this.codec = new CompressionCodecFactory(conf).getCodec(path);
      this.from = split.getStart();
      this.end = split.getStart() + split.getLength();
      this.lineStart = from;
    }

    /** Opens the file at {@link #from}: done lazily, so that a failure is a broken stretch. */
    private void ensureOpen() throws IOException {
      if (in != null) {
        return;
      }
      fileIn = fs.open(path);
      start = from;
      long to = end;
      if (codec != null) {
        decompressor = CodecPool.getDecompressor(codec);
        if (codec instanceof SplittableCompressionCodec splittable) {
          compressed =
              splittable.createInputStream(
                  fileIn, decompressor, from, to, SplittableCompressionCodec.READ_MODE.BYBLOCK);
          in = new LineReader(compressed, 1 << 16);
          start = compressed.getAdjustedStart();
        } else {
          if (from != 0) {
            throw new IOException("cannot start reading " + path + " at byte " + from);
          }
          in = new LineReader(codec.createInputStream(fileIn, decompressor), 1 << 16);
        }
      } else {
        fileIn.seek(from);
        in = new LineReader(fileIn, 1 << 16);
      }
      lineStart = start;
      pos = start;
      // Not the file's first split: the first line is the previous split's (it reads one line on).
      if (start != 0) {
        pos += in.readLine(new Text(), 0, Integer.MAX_VALUE);
      }
    }

    private long filePosition() throws IOException {
      if (compressed != null) {
        return compressed.getPos(); // the bzip2 block being read
      }
      return codec != null ? fileIn.getPos() : pos;
    }

    @Override
    public boolean owns() throws IOException {
      ensureOpen();
      return filePosition() <= (compressed != null ? compressed.getAdjustedEnd() : end);
    }

    @Override
    public boolean ownsLastLine() {
      return lastOwned;
    }

    @Override
    public boolean next(Text line) throws IOException {
      lastOwned = owns();
      lineStart = filePosition();
      int n = in.readLine(line, Integer.MAX_VALUE, Integer.MAX_VALUE);
      pos += n;
      produced |= n > 0;
      return n > 0;
    }

    @Override
    public long position() {
      return lineStart;
    }

    @Override
    public long errorPosition() {
      try {
        return in == null ? from : Math.max(filePosition(), lineStart);
      } catch (IOException e) {
        return lineStart;
      }
    }

    @Override
    public boolean failingAgain() {
      return resumedAt >= 0 && !produced;
    }

    @Override
    public boolean resync() throws IOException {
      boolean splittable = compressed != null || codec instanceof SplittableCompressionCodec;
      // Past the block being read when it broke; past the block resumed at if that broke too.
      long searchFrom = failingAgain() ? resumedAt + 1 : Math.max(errorPosition(), from) + 1;
      closeStreams();
      if (!splittable) {
        return false; // a plain or non-splittable file cannot be re-entered further on
      }
      long marker = nextBlockMarker(fs, path, searchFrom, end);
      if (marker < 0) {
        return false;
      }
      // Reading resumes at that block, as a split starting there would.
      from = marker;
      resumedAt = marker;
      produced = false;
      return true;
    }

    @Override
    public float progress() throws IOException {
      if (in == null || start >= end) {
        return 0;
      }
      return Math.min(1, (filePosition() - start) / (float) (end - start));
    }

    private void closeStreams() throws IOException {
      try {
        if (in != null) {
          in.close();
        } else if (fileIn != null) {
          fileIn.close();
        }
      } finally {
        in = null;
        compressed = null;
        fileIn = null;
        if (decompressor != null) {
          CodecPool.returnDecompressor(decompressor);
          decompressor = null;
        }
      }
    }

    @Override
    public void close() throws IOException {
      closeStreams();
    }
  }

  /**
   * The lines of a multistream dump's split: each bzip2 stream that starts in it, decoded on its
   * own; past the last, the following streams as one, only to finish a page still open.
   */
  private static final class StreamLines implements Lines {
    private final FileSystem fs;
    private final Path path;
    private final long[] streams;
    private final long end;
    private final long fileLength;
    private int current = -1;
    private long currentOffset;
    private boolean inTail;
    private InputStream open;
    private LineReader reader;
    private final Text lookahead = new Text();
    private boolean hasLookahead;
    private long lookaheadOffset;
    private boolean lookaheadOwned;
    private long lineOffset;
    private boolean lastOwned;

    StreamLines(FileSystem fs, Path path, long[] streams, long end) throws IOException {
      this.fs = fs;
      this.path = path;
      this.streams = streams;
      this.end = end;
      this.fileLength = fs.getFileStatus(path).getLen();
    }

    /** Fills the lookahead; with {@code tail}, may go past the split's streams. */
    private boolean fill(boolean tail) throws IOException {
      while (!hasLookahead) {
        if (reader == null) {
          if (current + 1 < streams.length) {
            current++;
            long from = streams[current];
            long to = current + 1 < streams.length ? streams[current + 1] : end;
            currentOffset = from; // before opening: the decoder reads the first block at once
            openRange(from, to, false);
          } else if (tail && !inTail && end < fileLength) {
            inTail = true;
            currentOffset = end;
            openRange(end, fileLength, true);
          } else {
            return false;
          }
        }
        if (reader.readLine(lookahead) > 0) {
          hasLookahead = true;
          lookaheadOffset = currentOffset;
          lookaheadOwned = !inTail;
        } else {
          closeStream();
          if (inTail) {
            return false;
          }
        }
      }
      return true;
    }

    private void openRange(long from, long to, boolean concatenated) throws IOException {
      FSDataInputStream raw = fs.open(path);
      raw.seek(from);
      open = raw;
      InputStream bounded = new BoundedInputStream(raw, to - from);
      reader = new LineReader(new BZip2CompressorInputStream(bounded, concatenated), 1 << 16);
    }

    private void closeStream() throws IOException {
      InputStream o = open;
      open = null;
      reader = null;
      if (o != null) {
        o.close();
      }
    }

    @Override
    public boolean owns() throws IOException {
      return fill(false) && lookaheadOwned;
    }

    @Override
    public boolean ownsLastLine() {
      return lastOwned;
    }

    @Override
    public boolean next(Text line) throws IOException {
      if (!fill(true)) {
        return false;
      }
      line.set(lookahead);
      hasLookahead = false;
      lineOffset = lookaheadOffset;
      lastOwned = lookaheadOwned;
      return true;
    }

    @Override
    public long position() {
      return hasLookahead ? lookaheadOffset : lineOffset;
    }

    @Override
    public long errorPosition() {
      return currentOffset;
    }

    @Override
    public boolean failingAgain() {
      return false; // each broken stream is its own stretch
    }

    @Override
    public boolean resync() throws IOException {
      // The broken stream is given up; the next one starts clean.
      lineOffset = currentOffset;
      hasLookahead = false;
      closeStream();
      return !inTail && current + 1 < streams.length;
    }

    @Override
    public float progress() {
      return streams.length == 0 ? 1 : (float) (current + 1) / streams.length;
    }

    @Override
    public void close() throws IOException {
      closeStream();
    }
  }
}
