package dev.corral.curation.io;

import dev.corral.core.text.PythonStr;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcConversion;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents of one WARC or WET file, streamed record by record: one row per {@code conversion} record (WET)
 * and per {@code response} record with a {@code text/*} HTTP payload (WARC), in the schema of
 * {@link WarcReader#SCHEMA}. The file is never held whole in memory, only the current record.
 *
 * <p>A record that cannot be read (bad headers, a gzip member cut off by an interrupted download, a body shorter
 * than its {@code Content-Length}) is skipped and counted: reading starts again at the next gzip member (Common
 * Crawl writes one member per record) or, in an uncompressed file, at the next {@code WARC/} line. The first bad
 * record of a file is logged with the file and byte offset; the count covers all of them.
 */
final class WarcFileRecords implements Iterator<Row>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarcFileRecords.class);
  private static final int SCAN_BUFFER = 64 * 1024;

  private final FileSystem fs;
  private final Path path;
  private final String segment;
  private final int minLength;
  private final FileCounts counts;
  private long documents;
  private long tooShort;
  private long malformed;
  private final ArrayDeque<Row> ready = new ArrayDeque<>(1);
  private FSDataInputStream in;
  private org.netpreserve.jwarc.WarcReader reader;
  /** Absolute byte offset where the current jwarc reader started; jwarc's positions are relative to it. */
  private long readerStart;
  private boolean gzip;
  private boolean done;
  private boolean logged;

  WarcFileRecords(FileSystem fs, Path path, String segment, int minLength, FileCounts counts) throws IOException {
    this.fs = fs;
    this.path = path;
    this.segment = segment;
    this.minLength = minLength;
    this.counts = counts;
    this.in = fs.open(path);
    startAt(0);
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
    if (in != null) {
      counts.add(new FileCounts.Count(path.toString(), documents, tooShort, malformed));
      in.close();
      in = null;
    }
  }

  /** Reads one record; on a bad one, counts it and moves to where the next record can start. */
  private void advance() {
    long at = -1;
    try {
      Optional<WarcRecord> next = reader.next();
      at = readerStart + reader.position();
      if (next.isEmpty()) {
        close();
        return;
      }
      Row row = toRow(next.get());
      if (row != null) {
        ready.add(row);
      }
    } catch (IOException | RuntimeException e) {
      // jwarc sets position() to the record's first byte before parsing it, so it names the failing record.
      long failed = at >= 0 ? at : readerStart + reader.position();
      malformed++;
      if (!logged) {
        logged = true;
        LOG.warn("{}: skipping malformed WARC record at byte {}: {} (further bad records in this file are only"
            + " counted)", path, failed, e.toString());
      }
      resyncAfter(failed);
    }
  }

  private Row toRow(WarcRecord record) throws IOException {
    if (record instanceof WarcConversion conversion) {
      return document(conversion.target(), header(record, "WARC-Block-Digest"), header(record, "WARC-Date"),
          readText(conversion.body().stream()), true, record.headers().first("Content-Length")
              .map(Long::parseLong).orElse(-1L));
    }
    if (record instanceof WarcResponse response) {
      HttpResponse http = response.http();
      MediaType type = http.contentType();
      if (!"text".equalsIgnoreCase(type.type())) {
        return null;
      }
      byte[] payload = http.bodyDecoded().stream().readAllBytes();
      String digest = header(record, "WARC-Payload-Digest");
      return document(response.target(), digest != null ? digest : header(record, "WARC-Block-Digest"),
          header(record, "WARC-Date"), new String(payload, StandardCharsets.UTF_8), false, payload.length);
    }
    return null;
  }

  /**
   * A row as CCNet's WET parser builds it: every line stripped; in a WET record the first line is the page title
   * (Common Crawl writes it there; WET has no title header) and the rest is {@code raw_content}. Null when the
   * content is shorter than {@code minLength} code points.
   */
  private Row document(String url, String digest, String date, String body, boolean titleFirst, long length) {
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
    return RowFactory.create(url, digest, date, domain(url), title, text, nlines,
        (int) Math.min(Integer.MAX_VALUE, length), segment);
  }

  private static String header(WarcRecord record, String name) {
    return record.headers().first(name).orElse(null);
  }

  private static String readText(InputStream body) throws IOException {
    return new String(body.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Python's {@code urlparse(url).netloc}: what lies between {@code //} and the next '/', '?' or '#'. */
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

  private void startAt(long offset) throws IOException {
    in.seek(offset);
    readerStart = offset;
    reader = new org.netpreserve.jwarc.WarcReader(Channels.newChannel(in));
    if (offset == 0) {
      gzip = reader.compression() == WarcCompression.GZIP;
    }
  }

  /** Finds the next record start after {@code failed} (a gzip member header, or a "WARC/" line) and reads on. */
  private void resyncAfter(long failed) {
    try {
      long next = gzip ? find(failed + 1, new byte[] {0x1f, (byte) 0x8b, 0x08}, false)
          : find(failed + 1, "WARC/".getBytes(StandardCharsets.US_ASCII), true);
      if (next < 0) {
        close();
      } else {
        startAt(next);
      }
    } catch (IOException e) {
      LOG.warn("{}: cannot read on after byte {}: {}", path, failed, e.toString());
      try {
        close();
      } catch (IOException ignored) {
        // Nothing more can be read from this file; the records before were delivered.
      }
    }
  }

  /** Offset of the first {@code magic} at or after {@code from} (at a line start if asked), or -1. */
  private long find(long from, byte[] magic, boolean lineStart) throws IOException {
    int prev = '\n';
    if (from > 0) {
      in.seek(from - 1);
      prev = in.read();
    }
    in.seek(from);
    byte[] buf = new byte[SCAN_BUFFER];
    long base = from;
    int carry = 0;
    while (true) {
      int n = in.read(buf, carry, buf.length - carry);
      if (n <= 0) {
        return -1;
      }
      int len = carry + n;
      int i = 0;
      for (; i + magic.length <= len; i++) {
        if ((!lineStart || (i == 0 ? prev : buf[i - 1]) == '\n') && matches(buf, i, magic)) {
          return base + i;
        }
      }
      // Keep the tail that could begin a match split across reads.
      if (i > 0) {
        prev = buf[i - 1];
      }
      carry = len - i;
      System.arraycopy(buf, i, buf, 0, carry);
      base += i;
    }
  }

  private static boolean matches(byte[] buf, int at, byte[] magic) {
    for (int k = 0; k < magic.length; k++) {
      if (buf[at + k] != magic[k]) {
        return false;
      }
    }
    return true;
  }
}
