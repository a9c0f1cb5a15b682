package dev.corral.curation.sources.arxiv;

import dev.corral.core.text.Utf8;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * One paper's archive ({@code YYMM/<id>.gz}) to its {@code .tex} files, as RedPajama's {@code
 * _tex_proj_loader} reads it: {@code tarfile.open} (a plain tar, else gzip, bzip2 or xz holding a
 * tar) and every member whose name ends in {@code .tex}, in member order (links read as their
 * target); when that fails with {@code ReadError}, the whole file gunzipped as one {@code .tex}. A
 * file that is not valid UTF-8 drops the paper, as does any archive neither reading accepts.
 *
 * <p>Python inflates gzip as it reads, so damage in a stream (cut short, a wrong CRC, garbage after
 * it) fails a tar only if the reading reaches it: here the stream is inflated up to the damage and
 * the paper fails if the tar reading asks for bytes beyond it. Python's reads ahead by up to 8 KiB,
 * so damage within 8 KiB after the tar's end fails a paper there and not here.
 */
final class PaperArchive {
  /** Skip reason: neither a tar nor gzip, or damaged (RedPajama's "[ERROR] ..." load failures). */
  static final String UNREADABLE = "unreadable_archive";

  /**
   * Skip reason: a {@code .tex} file is not valid UTF-8 (RedPajama's {@code UnicodeDecodeError}).
   */
  static final String NON_UTF8 = "non_utf8_tex";

  /** Skip reason: the archive or its {@code .tex} files exceed the reader's size limit. */
  static final String TOO_LARGE = "too_large";

  /** Links followed before a chain counts as a loop (Python recurses until RecursionError). */
  private static final int MAX_LINKS = 64;

  /**
   * What loading gives: the {@code .tex} files, or why the paper is skipped.
   *
   * @param files the texts of the {@code .tex} members, in order; null when skipped
   * @param skipReason {@link #UNREADABLE}, {@link #NON_UTF8} or {@link #TOO_LARGE}; null when read
   * @param names the members' names, for messages
   */
  record Loaded(List<String> files, String skipReason, List<String> names) {
    static Loaded skipped(String reason) {
      return new Loaded(null, reason, List.of());
    }
  }

  private PaperArchive() {}

  /** Loads {@code raw}; decompressed data beyond {@code maxBytes} skips the paper. */
  static Loaded load(byte[] raw, long maxBytes) {
    try {
      return texFiles(Tar.members(new Tar.Bytes(raw)), raw);
    } catch (Tar.NotATar | Tar.ReadError e) {
      // tarfile.open tries gzip, bzip2 and xz next; RedPajama then falls back to gzip alone.
    }
    Inflated plain;
    try {
      plain = gunzip(raw, maxBytes);
    } catch (TooLarge e) {
      return Loaded.skipped(TOO_LARGE);
    } catch (IOException e) {
      return otherCompression(raw, maxBytes);
    }
    Tar.Bytes src = new Tar.Bytes(plain.data());
    try {
      List<Tar.Member> members = Tar.members(src);
      // Python reads gzip lazily: damage only matters where the tar reading reaches it.
      return plain.damaged() && src.furthest() > plain.data().length
          ? Loaded.skipped(UNREADABLE)
          : texFiles(members, plain.data());
    } catch (Tar.NotATar | Tar.ReadError e) {
      // RedPajama's fallback, gzip.open(...).read(), reads the whole stream.
      return plain.damaged() ? Loaded.skipped(UNREADABLE) : single(plain.data());
    }
  }

  /** A bzip2 or xz file holding a tar; anything else fails RedPajama's gzip fallback too. */
  private static Loaded otherCompression(byte[] raw, long maxBytes) {
    boolean bzip2 = raw.length >= 3 && raw[0] == 'B' && raw[1] == 'Z' && raw[2] == 'h';
    boolean xz =
        raw.length >= 6
            && (raw[0] & 0xFF) == 0xFD
            && raw[1] == '7'
            && raw[2] == 'z'
            && raw[3] == 'X'
            && raw[4] == 'Z'
            && raw[5] == 0;
    if (!bzip2 && !xz) {
      return Loaded.skipped(UNREADABLE);
    }
    try (InputStream in =
        bzip2
            ? new BZip2CompressorInputStream(new ByteArrayInputStream(raw), true)
            : new XZCompressorInputStream(new ByteArrayInputStream(raw), true)) {
      byte[] plain = readAtMost(in, maxBytes);
      return texFiles(Tar.members(new Tar.Bytes(plain)), plain);
    } catch (TooLarge e) {
      return Loaded.skipped(TOO_LARGE);
    } catch (IOException | RuntimeException | Tar.NotATar | Tar.ReadError e) {
      return Loaded.skipped(UNREADABLE);
    }
  }

  private static Loaded single(byte[] plain) {
    String text = Utf8.decode(plain, 0, plain.length);
    return text == null
        ? Loaded.skipped(NON_UTF8)
        : new Loaded(List.of(text), null, List.of("(single file)"));
  }

  /** The {@code .tex} members' texts, in member order. */
  private static Loaded texFiles(List<Tar.Member> members, byte[] data) {
    List<String> files = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Tar.Member m = members.get(i);
      if (!m.name().endsWith(".tex")) {
        continue;
      }
      Tar.Member content = m;
      int index = i;
      for (int links = 0; content != null && content.isLink(); links++) {
        if (links == MAX_LINKS) {
          return Loaded.skipped(UNREADABLE);
        }
        content = Tar.linkTarget(members, index);
        index = content == null ? -1 : members.indexOf(content);
      }
      // A directory or device named *.tex has no file object: RedPajama's .read() fails.
      if (content == null || !content.hasData()) {
        return Loaded.skipped(UNREADABLE);
      }
      if (content.dataOffset() + content.size() > data.length) {
        return Loaded.skipped(UNREADABLE); // tarfile: "unexpected end of data"
      }
      String text = Utf8.decode(data, (int) content.dataOffset(), (int) content.size());
      if (text == null) {
        return Loaded.skipped(NON_UTF8);
      }
      files.add(text);
      names.add(m.name());
    }
    return new Loaded(files, null, names);
  }

  /** Decompressed data beyond the reader's limit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("too large", null);
    }
  }

  private static byte[] readAtMost(InputStream in, long maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      out.write(buf, 0, n);
      if (out.size() > maxBytes) {
        throw new TooLarge();
      }
    }
    return out.toByteArray();
  }

  /**
   * What {@link #gunzip} got: the data up to the first damage, and whether there was damage (a
   * stream cut short, bad deflate data, a wrong CRC or length, bytes after a member that do not
   * start another).
   */
  record Inflated(byte[] data, boolean damaged) {}

  /**
   * Python's {@code gzip.open(...).read()}: members one after another, zero bytes between them
   * skipped, each checked against its CRC-32 and length; no data at all is an empty file.
   *
   * @throws IOException when the data does not start as gzip (or is too large)
   */
  static Inflated gunzip(byte[] raw, long maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, raw.length * 4));
    byte[] buf = new byte[1 << 16];
    int pos = 0;
    Inflater inflater = new Inflater(true);
    try {
      while (pos < raw.length) {
        try {
          pos = skipHeader(raw, pos);
        } catch (IOException e) {
          if (pos == 0) {
            throw e;
          }
          return new Inflated(out.toByteArray(), true);
        }
        inflater.reset();
        inflater.setInput(raw, pos, raw.length - pos);
        CRC32 crc = new CRC32();
        long size = 0;
        while (!inflater.finished()) {
          int n;
          try {
            n = inflater.inflate(buf);
          } catch (DataFormatException e) {
            return new Inflated(out.toByteArray(), true);
          }
          if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            return new Inflated(out.toByteArray(), true); // cut short
          }
          crc.update(buf, 0, n);
          size += n;
          out.write(buf, 0, n);
          if (out.size() > maxBytes) {
            throw new TooLarge();
          }
        }
        pos = raw.length - inflater.getRemaining();
        if (raw.length - pos < 8
            || le32(raw, pos) != crc.getValue()
            || le32(raw, pos + 4) != (size & 0xFFFFFFFFL)) {
          return new Inflated(out.toByteArray(), true);
        }
        pos += 8;
        while (pos < raw.length && raw[pos] == 0) {
          pos++; // "Gzip files can be padded with zeroes and still have archives."
        }
      }
    } finally {
      inflater.end();
    }
    return new Inflated(out.toByteArray(), false);
  }

  private static long le32(byte[] b, int at) {
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }

  /**
   * Python's {@code _read_gzip_header}: magic, method 8, optional fields; returns where data
   * starts.
   */
  private static int skipHeader(byte[] raw, int pos) throws IOException {
    if (raw.length - pos < 10) {
      throw new IOException("not a gzip file");
    }
    if ((raw[pos] & 0xFF) != 0x1F || (raw[pos + 1] & 0xFF) != 0x8B) {
      throw new IOException("not a gzip file");
    }
    if (raw[pos + 2] != 8) {
      throw new IOException("unknown compression method");
    }
    int flags = raw[pos + 3];
    int at = pos + 10;
    if ((flags & 4) != 0) { // FEXTRA
      if (raw.length - at < 2) {
        throw new IOException("gzip header cut short");
      }
      int len = (raw[at] & 0xFF) | (raw[at + 1] & 0xFF) << 8;
      at += 2 + len;
      if (at > raw.length) {
        throw new IOException("gzip header cut short");
      }
    }
    for (int flag : new int[] {8, 16}) { // FNAME, FCOMMENT: NUL-terminated
      if ((flags & flag) != 0) {
        while (at < raw.length && raw[at++] != 0) {
          // skip
        }
      }
    }
    if ((flags & 2) != 0) { // FHCRC
      at += 2;
      if (at > raw.length) {
        throw new IOException("gzip header cut short");
      }
    }
    return at;
  }
}
