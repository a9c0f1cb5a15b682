package dev.corral.curation.io;

import dev.corral.core.Errors;
import dev.corral.core.text.PythonStr;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcConversion;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents of one WARC or WET file, streamed record by record: one row per {@code conversion}
 * record (WET) and per {@code response} record with a {@code text/*} HTTP payload (WARC), in the
 * schema of {@link WarcReader#SCHEMA}. The file is never held whole in memory, only the current
 * record.
 *
 * <p>A record is taken only when its framing holds: a {@code WARC/1.x} line, headers up to a blank
 * line, a {@code Content-Length} of decimal digits no larger than the bytes left and than {@link
 * #MAX_BLOCK_BYTES}, that many bytes of block, CRLF CRLF, and then exactly the next record's {@code
 * WARC/1.x} line, a gzip member's start or the end of the file. A record whose length lies (too
 * small, too large, negative, not a number), or that cannot be parsed or inflated, is skipped and
 * counted, and reading starts again from that record's first byte at the next {@code WARC/1.x}
 * line, so a lie costs only the record that tells it, never the records its length would swallow. A
 * damaged gzip member (Common Crawl writes one per record) is passed over to the next gzip header.
 * The first bad record of a file is logged with the file and position; the count covers all.
 */
final class WarcFileRecords implements Iterator<Row>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarcFileRecords.class);

  /**
   * The largest {@code Content-Length} taken. Common Crawl truncates payloads at 1 MiB since 2013
   * (a raise to 5 MiB is planned) and a WET record is smaller still, while the block is held whole
   * in memory by one task: 64 MiB leaves a wide margin over any record Common Crawl writes at a
   * bounded cost per task; a length above it is a lie, not a record.
   */
  static final long MAX_BLOCK_BYTES = 64L << 20;

  /**
   * The longest header block taken (Common Crawl's are under 2 KiB; long URLs fit many times over).
   */
  static final int MAX_HEADER_BYTES = 1 << 20;

  private static final byte[] VERSION = "WARC/1.".getBytes(StandardCharsets.US_ASCII);

  private final Path path;
  private final String segment;
  private final int minLength;
  private final long maxBlockBytes;
  private final FileCounts counts;
  private long documents;
  private long tooShort;
  private long malformed;
  private final ArrayDeque<Row> ready = new ArrayDeque<>(1);
  private WarcBytes bytes;
  private boolean done;
  private boolean logged;

  WarcFileRecords(FileSystem fs, Path path, String segment, int minLength, FileCounts counts)
      throws IOException {
    this(fs, path, segment, minLength, counts, MAX_BLOCK_BYTES);
  }

  /** With another cap on {@code Content-Length}, for tests. */
  WarcFileRecords(
      FileSystem fs,
      Path path,
      String segment,
      int minLength,
      FileCounts counts,
      long maxBlockBytes)
      throws IOException {
    this.path = path;
    this.segment = segment;
    this.minLength = minLength;
    this.counts = counts;
    this.maxBlockBytes = maxBlockBytes;
    long length = fs.getFileStatus(path).getLen();
    FSDataInputStream in = fs.open(path);
    try {
      this.bytes = WarcBytes.open(in, length);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && !done) {
      advance();
    }
    return !ready.isEmpty();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  /** Closes the file and reports its counts; a second call does nothing. */
  @Override
  public void close() throws IOException {
    done = true;
    if (bytes != null) {
      counts.add(new FileCounts.Count(path.toString(), documents, tooShort, malformed));
      bytes.close();
      bytes = null;
    }
  }

  /** Reads one record; on a bad one, counts it and moves to where the next record can start. */
  private void advance() {
    long start = bytes.position();
    try {
      Framed record;
      try {
        record = frame(start);
      } catch (Malformed | WarcBytes.Damaged e) {
        skip(start, e.getMessage());
        return;
      }
      if (record == null) {
        close();
        return;
      }
      bytes.forgetBefore(record.end);
      try {
        Row row = toRow(parse(record));
        if (row != null) {
          ready.add(row);
        }
      } catch (IOException | RuntimeException e) {
        // Well framed but not parseable: the next record starts where this one ends.
        count(start, e.toString());
      }
    } catch (IOException e) {
      throw Errors.unreadable(path.toString(), e);
    }
  }

  /**
   * One record's bytes, cut by its framing: the header block (up to its blank line) and the block.
   */
  private record Framed(long end, byte[] head, byte[] block) {}

  /** A record whose framing does not hold. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String what) {
      super(what, null, false, false);
    }
  }

  /**
   * The record at {@code start}, its framing checked and the stream left at its end; null at the
   * end of file.
   */
  private Framed frame(long start) throws IOException, Malformed {
    bytes.seek(start);
    byte[] head = headerBlock();
    if (head == null) {
      return null;
    }
    if (!isVersionLine(head, 0, head.length)) {
      throw new Malformed("the record does not start with a WARC/1.x line");
    }
    long length = contentLength(head);
    long left = bytes.remaining();
    if (left >= 0 && length > left) {
      throw new Malformed(
          "Content-Length " + length + " is larger than the " + left + " bytes left in the file");
    }
    byte[] block = new byte[(int) length];
    int got = bytes.read(block, 0, block.length);
    if (got < length) {
      throw new Malformed(
          "the file ends " + got + " bytes into a block of Content-Length " + length);
    }
    byte[] trailer = new byte[4];
    if (bytes.read(trailer, 0, 4) < 4
        || trailer[0] != '\r'
        || trailer[1] != '\n'
        || trailer[2] != '\r'
        || trailer[3] != '\n') {
      throw new Malformed(
          "Content-Length " + length + " does not end the record: no CRLF CRLF after the block");
    }
    long end = bytes.position();
    if (!recordMayStartAt(end)) {
      throw new Malformed(
          "Content-Length " + length + " does not end where the next record starts");
    }
    bytes.seek(end);
    return new Framed(end, head, block);
  }

  /** The headers up to and with their blank line; null when the stream is at its end. */
  private byte[] headerBlock() throws IOException, Malformed {
    ByteArrayOutputStream head = new ByteArrayOutputStream(2048);
    int last4 = 0;
    while (true) {
      int c = bytes.read();
      if (c < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new Malformed("the file ends inside the record's headers");
      }
      head.write(c);
      last4 = last4 << 8 | c;
      if (last4 == 0x0d0a0d0a) {
        return head.toByteArray();
      }
      if (head.size() > MAX_HEADER_BYTES) {
        throw new Malformed("no blank line ends the headers within " + MAX_HEADER_BYTES + " bytes");
      }
    }
  }

  /** The one {@code Content-Length} of a header block, checked: decimal digits, at most the cap. */
  private long contentLength(byte[] head) throws Malformed {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    String value = null;
    for (String line : text.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Length")) {
        if (value != null) {
          throw new Malformed("two Content-Length headers");
        }
        value = line.substring(colon + 1).strip();
      }
    }
    if (value == null) {
      throw new Malformed("no Content-Length header");
    }
    if (value.startsWith("-")) {
      throw new Malformed("negative Content-Length " + abbreviate(value));
    }
    if (value.isEmpty() || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw new Malformed("Content-Length '" + abbreviate(value) + "' is not a number");
    }
    String digits = value.replaceFirst("^0+(?=.)", "");
    if (digits.length() > 18 || Long.parseLong(digits) > maxBlockBytes) {
      throw new Malformed(
          "Content-Length "
              + abbreviate(value)
              + " is above the cap of "
              + maxBlockBytes
              + " bytes");
    }
    return Long.parseLong(digits);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  /**
   * Whether a record can start at {@code pos}: the end of the file, a gzip member's start, or a
   * {@code WARC/1.x} line. Leaves the stream anywhere.
   */
  private boolean recordMayStartAt(long pos) throws IOException {
    try {
      bytes.seek(pos);
      byte[] peek = new byte[24];
      int n = bytes.read(peek, 0, peek.length);
      return n == 0 || bytes.boundaryAt(pos) || isVersionLine(peek, 0, n);
    } catch (WarcBytes.Damaged next) {
      // A damaged member after this one: the record still ends well if it ends where that member
      // starts.
      return bytes.boundaryAt(pos);
    }
  }

  /** Whether {@code b[from, to)} starts with {@code WARC/1.} digits CRLF. */
  static boolean isVersionLine(byte[] b, int from, int to) {
    if (to - from < VERSION.length + 3) {
      return false;
    }
    for (int i = 0; i < VERSION.length; i++) {
      if (b[from + i] != VERSION[i]) {
        return false;
      }
    }
    int i = from + VERSION.length;
    int digits = i;
    while (i < to && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i > digits && i + 1 < to && b[i] == '\r' && b[i + 1] == '\n';
  }

  /** Counts the bad record at {@code start} and resynchronises from its first byte. */
  private void skip(long start, String why) throws IOException {
    count(start, why);
    long next = nextVersionLine(start + 1);
    if (next < 0) {
      close();
    } else {
      bytes.seek(next);
    }
  }

  private void count(long start, String why) {
    malformed++;
    if (!logged) {
      logged = true;
      LOG.warn(
          "{}: skipping malformed WARC record at {}: {} (further bad records in this file are only counted)",
          path,
          bytes.describe(start),
          why);
    }
  }

  /**
   * The first {@code WARC/1.x} line at or after {@code from} that starts a line (or a gzip member);
   * -1 if none. A damaged gzip member on the way is passed over to the next member.
   */
  private long nextVersionLine(long from) throws IOException {
    byte[] peek = new byte[24];
    long pos = from;
    boolean lineStart;
    try {
      bytes.seek(from - 1);
      lineStart = bytes.read() == '\n';
    } catch (WarcBytes.Damaged e) {
      lineStart = false;
    }
    while (true) {
      try {
        if (lineStart || bytes.boundaryAt(pos)) {
          bytes.seek(pos);
          int n = bytes.read(peek, 0, peek.length);
          if (isVersionLine(peek, 0, n)) {
            return pos;
          }
        }
        bytes.seek(pos);
        int c = bytes.read();
        if (c < 0) {
          return -1;
        }
        lineStart = c == '\n';
        pos++;
      } catch (WarcBytes.Damaged e) {
        if (!bytes.skipDamaged()) {
          return -1;
        }
        pos = bytes.position();
        lineStart = true;
      }
    }
  }

  /** jwarc's record of a framed record's bytes. */
  private static WarcRecord parse(Framed record) throws IOException {
    InputStream bytes =
        new SequenceInputStream(
            new ByteArrayInputStream(record.head), new ByteArrayInputStream(record.block));
    return new org.netpreserve.jwarc.WarcReader(bytes)
        .next()
        .orElseThrow(() -> new IOException("no record"));
  }

  private Row toRow(WarcRecord record) throws IOException {
    if (record instanceof WarcConversion conversion) {
      return document(
          conversion.target(),
          header(record, "WARC-Block-Digest"),
          header(record, "WARC-Date"),
          readText(conversion.body().stream()),
          true,
          record.headers().first("Content-Length").map(Long::parseLong).orElse(-1L));
    }
    if (record instanceof WarcResponse response) {
      HttpResponse http = response.http();
      MediaType type = http.contentType();
      if (!"text".equalsIgnoreCase(type.type())) {
        return null;
      }
      byte[] payload = http.bodyDecoded().stream().readAllBytes();
      String digest = header(record, "WARC-Payload-Digest");
      return document(
          response.target(),
          digest != null ? digest : header(record, "WARC-Block-Digest"),
          header(record, "WARC-Date"),
          new String(payload, StandardCharsets.UTF_8),
          false,
          payload.length);
    }
    return null;
  }

  /**
   * A row as CCNet's WET parser builds it: every line stripped; in a WET record the first line is
   * the page title (Common Crawl writes it there; WET has no title header) and the rest is {@code
   * raw_content}. Null when the content is shorter than {@code minLength} code points.
   */
  private Row document(
      String url, String digest, String date, String body, boolean titleFirst, long length) {
    List<String> lines = PythonStr.universalLines(body);
    String title = null;
    int from = 0;
    if (titleFirst && !lines.isEmpty()) {
      title = PythonStr.strip(lines.get(0));
      from = 1;
    }
    StringBuilder content = new StringBuilder(body.length());
    for (int i = from; i < lines.size(); i++) {
      if (i > from) {
        content.append('\n');
      }
      content.append(PythonStr.strip(lines.get(i)));
    }
    String text = content.toString();
    if (PythonStr.length(text) < minLength) {
      tooShort++;
      return null;
    }
    documents++;
    int nlines = lines.size() - from;
    return RowFactory.create(
        url,
        digest,
        date,
        domain(url),
        title,
        text,
        nlines,
        (int) Math.min(Integer.MAX_VALUE, length),
        segment);
  }

  private static String header(WarcRecord record, String name) {
    return record.headers().first(name).orElse(null);
  }

  private static String readText(InputStream body) throws IOException {
    return new String(body.readAllBytes(), StandardCharsets.UTF_8);
  }

  /**
   * Python's {@code urlparse(url).netloc}: what lies between {@code //} and the next '/', '?' or
   * '#'.
   */
  static String domain(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("//");
    if (scheme < 0) {
      return "";
    }
    int start = scheme + 2;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    return url.substring(start, end);
  }
}
