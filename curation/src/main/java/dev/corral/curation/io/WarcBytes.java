package dev.corral.curation.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * The bytes of one WARC or WET file as its records see them, with the random access that
 * resynchronising needs: the file itself, or its gzip members inflated one after another. Positions
 * count bytes of that (inflated) stream. Only a short window of it is held; seeking back further
 * re-reads the file (a gzip member is inflated again from its start).
 *
 * <p>A gzip member that cannot be inflated (bad deflate data, a wrong CRC, the file ending inside
 * it, bytes that are no gzip header where a member should start) makes reads throw {@link Damaged};
 * the stream stays where it was, so seeking back and reading again meets the same damage (inflation
 * is done in the same steps every time), until {@link #skipDamaged} moves on to the next gzip
 * header in the file.
 */
abstract class WarcBytes implements Closeable {
  /** Bytes read from the file at a time, and the size of each half of the inflated window. */
  static final int CHUNK = 64 * 1024;

  /** A gzip member that cannot be inflated; the record being read there is lost. */
  static final class Damaged extends IOException {
    private static final long serialVersionUID = 1L;

    /** Where in the (compressed) file to look for the next gzip header. */
    final long scanFrom;

    Damaged(String what, long scanFrom) {
      super(what);
      this.scanFrom = scanFrom;
    }
  }

  protected final FSDataInputStream in;
  protected final long fileLength;

  WarcBytes(FSDataInputStream in, long fileLength) {
    this.in = in;
    this.fileLength = fileLength;
  }

  /**
   * The stream of {@code in}: inflated when the file starts with gzip's magic bytes, else the file
   * itself.
   */
  static WarcBytes open(FSDataInputStream in, long fileLength) throws IOException {
    byte[] magic = new byte[2];
    boolean gzip =
        fileLength >= 2
            && pread(in, 0, magic, 0, 2) == 2
            && (magic[0] & 0xff) == 0x1f
            && (magic[1] & 0xff) == 0x8b;
    return gzip ? new Gzip(in, fileLength) : new Plain(in, fileLength);
  }

  /** The position of the next {@link #read}. */
  abstract long position();

  /** Moves to {@code pos}, at or after the last {@link #forgetBefore} mark. */
  abstract void seek(long pos) throws IOException;

  /** The next byte, or -1 at the end of the stream. */
  abstract int read() throws IOException;

  /** Bytes left after {@link #position}, or -1 where that is not known before reading (gzip). */
  abstract long remaining();

  /**
   * Whether a record may begin or end at {@code pos} without a line break before it: the start of a
   * gzip member.
   */
  abstract boolean boundaryAt(long pos);

  /** Positions before {@code pos} will not be sought again. */
  abstract void forgetBefore(long pos);

  /**
   * After {@link Damaged}: moves to the next gzip member that starts well; false (and at the end)
   * if none.
   */
  abstract boolean skipDamaged() throws IOException;

  /** Where {@code pos} is, for a log line. */
  abstract String describe(long pos);

  /** Reads up to {@code len} bytes into {@code b}; fewer only at the end of the stream. */
  int read(byte[] b, int off, int len) throws IOException {
    int n = 0;
    while (n < len) {
      int c = read();
      if (c < 0) {
        break;
      }
      b[off + n++] = (byte) c;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Reads up to {@code len} bytes of the file at {@code at}; fewer only at its end. */
  static int pread(FSDataInputStream in, long at, byte[] b, int off, int len) throws IOException {
    int n = 0;
    while (n < len) {
      int r = in.read(at + n, b, off + n, len - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    return n;
  }

  /** An uncompressed file: positions are file offsets. */
  static final class Plain extends WarcBytes {
    private final byte[] buf = new byte[CHUNK];
    private long bufStart;
    private int bufLen;
    private long pos;

    Plain(FSDataInputStream in, long fileLength) {
      super(in, fileLength);
    }

    @Override
    long position() {
      return pos;
    }

    @Override
    void seek(long p) {
      pos = p;
    }

    @Override
    int read() throws IOException {
      if (pos >= fileLength) {
        return -1;
      }
      if (pos < bufStart || pos >= bufStart + bufLen) {
        bufStart = pos;
        bufLen = pread(in, pos, buf, 0, (int) Math.min(buf.length, fileLength - pos));
        if (bufLen == 0) {
          return -1;
        }
      }
      return buf[(int) (pos++ - bufStart)] & 0xff;
    }

    @Override
    int read(byte[] b, int off, int len) throws IOException {
      int n = 0;
      while (n < len && read() >= 0) {
        pos--; // the byte is now in the buffer: copy it with the ones after it
        int k = (int) Math.min(len - n, bufStart + bufLen - pos);
        System.arraycopy(buf, (int) (pos - bufStart), b, off + n, k);
        pos += k;
        n += k;
      }
      return n;
    }

    @Override
    long remaining() {
      return Math.max(0, fileLength - pos);
    }

    @Override
    boolean boundaryAt(long p) {
      return p == 0;
    }

    @Override
    void forgetBefore(long p) {
      // Nothing is kept that seeking back would need.
    }

    @Override
    boolean skipDamaged() {
      throw new IllegalStateException("an uncompressed file has no gzip members");
    }

    @Override
    String describe(long p) {
      return "byte " + p;
    }
  }

  /**
   * Concatenated gzip members (RFC 1952), inflated. Each member's start in the inflated stream is
   * remembered (from the last {@link #forgetBefore} mark on), so that seeking back inflates again
   * from the member holding the target. The inflater is always fed the same chunks (aligned on the
   * member's deflate data) and asked for a whole window half at a time, so a second pass over a
   * member yields the same bytes and fails at the same place.
   */
  static final class Gzip extends WarcBytes {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    /** Longest file name or comment field taken for a gzip header; longer is damage. */
    private static final int MAX_HEADER_FIELD = 64 * 1024;

    /** Members since the forget mark: {logical start, compressed start}, in file order. */
    private final List<long[]> members = new ArrayList<>();

    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final FileWindow file;
    private byte[] prev = new byte[CHUNK];
    private byte[] cur = new byte[CHUNK];

    /** The window: prev holds [winStart, winStart + prevLen), cur the next curLen bytes. */
    private long winStart;

    private int prevLen;
    private int curLen;
    private long pos;

    /**
     * The member being inflated: its compressed start, the next compressed byte to feed, its output
     * so far.
     */
    private long memberStart = -1;

    private long feed;
    private long memberOut;
    private boolean memberDone;
    private boolean ended;
    private Damaged damage;

    Gzip(FSDataInputStream in, long fileLength) throws IOException {
      super(in, fileLength);
      file = new FileWindow(in, fileLength);
      try {
        openMember(0, 0);
      } catch (Damaged d) {
        damage = d; // the first read meets it, and skipDamaged looks for the next member
      }
    }

    private long produced() {
      return winStart + prevLen + curLen;
    }

    @Override
    long position() {
      return pos;
    }

    @Override
    void seek(long p) throws IOException {
      if (p >= winStart) {
        pos = p; // in the window, or ahead: reads inflate forward to it
        return;
      }
      long[] from = null;
      for (long[] m : members) {
        if (m[0] <= p) {
          from = m;
        }
      }
      if (from == null) {
        throw new IllegalStateException(
            "seek to " + p + " before the forgotten part of the stream");
      }
      damage = null;
      ended = false;
      openMember(from[1], from[0]);
      pos = p;
    }

    @Override
    int read() throws IOException {
      while (pos >= produced()) {
        if (!produce()) {
          return -1;
        }
      }
      long prevEnd = winStart + prevLen;
      return (pos < prevEnd ? prev[(int) (pos++ - winStart)] : cur[(int) (pos++ - prevEnd)]) & 0xff;
    }

    @Override
    int read(byte[] b, int off, int len) throws IOException {
      int n = 0;
      while (n < len && read() >= 0) {
        pos--; // the byte is now in the window: copy it with the ones after it
        long prevEnd = winStart + prevLen;
        int k =
            pos < prevEnd
                ? copy(prev, (int) (pos - winStart), prevLen, b, off + n, len - n)
                : copy(cur, (int) (pos - prevEnd), curLen, b, off + n, len - n);
        pos += k;
        n += k;
      }
      return n;
    }

    private static int copy(byte[] from, int at, int end, byte[] to, int off, int max) {
      int k = Math.min(max, end - at);
      System.arraycopy(from, at, to, off, k);
      return k;
    }

    @Override
    long remaining() {
      return -1;
    }

    @Override
    boolean boundaryAt(long p) {
      for (int i = members.size() - 1; i >= 0; i--) {
        long start = members.get(i)[0];
        if (start == p) {
          return true;
        }
        if (start < p) {
          return false;
        }
      }
      return p == 0;
    }

    @Override
    void forgetBefore(long p) {
      int keep = 0;
      for (int i = 0; i < members.size(); i++) {
        if (members.get(i)[0] <= p) {
          keep = i; // the member holding p stays: seeking to p may inflate it again
        }
      }
      members.subList(0, keep).clear();
    }

    @Override
    boolean skipDamaged() throws IOException {
      if (damage == null) {
        throw new IllegalStateException("no damaged gzip member to skip");
      }
      long at = damage.scanFrom;
      long logical = produced();
      members.clear();
      damage = null;
      winStart = logical;
      prevLen = 0;
      curLen = 0;
      pos = logical;
      while ((at = findMagic(at)) >= 0) {
        try {
          openMember(at, logical);
          return true;
        } catch (Damaged notAHeader) {
          at++;
        }
      }
      damage = null;
      ended = true;
      return false;
    }

    @Override
    String describe(long p) {
      long member = -1;
      for (long[] m : members) {
        if (m[0] <= p) {
          member = m[1];
        }
      }
      return "byte "
          + p
          + " of the inflated stream"
          + (member >= 0 ? " (gzip member at byte " + member + ")" : "");
    }

    /** Inflates the next piece into the window; false at the end of the stream. */
    private boolean produce() throws IOException {
      if (damage != null) {
        throw damage;
      }
      try {
        while (!ended) {
          if (memberDone) {
            nextMember();
            continue;
          }
          if (inflater.needsInput()) {
            if (feed >= fileLength) {
              throw damaged("the file ends inside the gzip member", memberStart + 1);
            }
            // The inflater keeps the window's array until it needs input again: the window is
            // refilled only
            // then, or once the inflater is reset for another member.
            int n = (int) Math.min(CHUNK, fileLength - feed);
            inflater.setInput(file.buf, file.ensure(feed, n), n);
            feed += n;
          }
          int n;
          try {
            n = inflater.inflate(prev, 0, prev.length);
          } catch (DataFormatException e) {
            throw damaged("bad deflate data: " + e.getMessage(), memberStart + 1);
          }
          if (inflater.needsDictionary()) {
            throw damaged("the deflate data asks for a preset dictionary", memberStart + 1);
          }
          memberDone = inflater.finished();
          if (n > 0) {
            crc.update(prev, 0, n);
            memberOut += n;
            // The new piece becomes the window's second half; the old second half its first.
            byte[] swap = cur;
            winStart += prevLen;
            prevLen = curLen;
            cur = prev;
            curLen = n;
            prev = swap;
            return true;
          }
        }
        return false;
      } catch (Damaged d) {
        damage = d;
        // A failed inflate may have written into the older half: drop it (seeking there inflates
        // again).
        winStart += prevLen;
        prevLen = 0;
        throw d;
      }
    }

    private Damaged damaged(String what, long scanFrom) {
      return new Damaged(what + " (gzip member at byte " + memberStart + ")", scanFrom);
    }

    /** Checks the finished member's trailer and opens the member after it (or ends the stream). */
    private void nextMember() throws IOException {
      long deflateEnd = feed - inflater.getRemaining();
      if (fileLength - deflateEnd < 8) {
        throw damaged("the file ends inside the gzip trailer", memberStart + 1);
      }
      int t = file.ensure(deflateEnd, 8);
      long crcSaid = le32(file.buf, t);
      long sizeSaid = le32(file.buf, t + 4);
      if (crcSaid != crc.getValue() || sizeSaid != (memberOut & 0xffffffffL)) {
        throw damaged(
            "the gzip trailer's CRC or size does not match the inflated data", memberStart + 1);
      }
      long next = deflateEnd + 8;
      if (next >= fileLength) {
        ended = true;
        return;
      }
      openMember(next, produced());
    }

    /**
     * Parses the gzip header at {@code at} and starts inflating the member whose output begins at
     * {@code logical}.
     */
    private void openMember(long at, long logical) throws IOException {
      Header h = new Header(at);
      if (h.next() != 0x1f || h.next() != 0x8b || h.next() != 8) {
        throw new Damaged("no gzip member starts at byte " + at, at + 1);
      }
      int flags = h.next();
      if ((flags & 0xe0) != 0) {
        throw new Damaged("reserved gzip flags set at byte " + at, at + 1);
      }
      h.skip(6); // mtime, extra flags, os
      if ((flags & FEXTRA) != 0) {
        int lo = h.next();
        int hi = h.next();
        if (lo < 0 || hi < 0) {
          throw new Damaged("the file ends inside a gzip header at byte " + at, at + 1);
        }
        h.skip(lo | hi << 8);
      }
      if ((flags & FNAME) != 0) {
        h.skipZeroTerminated();
      }
      if ((flags & FCOMMENT) != 0) {
        h.skipZeroTerminated();
      }
      if ((flags & FHCRC) != 0) {
        h.skip(2);
      }
      if (h.at > fileLength) {
        throw new Damaged("the file ends inside a gzip header at byte " + at, at + 1);
      }
      boolean known = false;
      for (long[] m : members) {
        known |= m[1] == at;
      }
      if (!known) {
        members.add(new long[] {logical, at});
      }
      memberStart = at;
      feed = h.at;
      memberOut = 0;
      memberDone = false;
      inflater.reset();
      crc.reset();
      winStart = logical;
      prevLen = 0;
      curLen = 0;
    }

    /** The offset of the next gzip magic (1f 8b 08) at or after {@code from}, or -1. */
    private long findMagic(long from) throws IOException {
      byte[] buf = new byte[CHUNK];
      for (long base = from; base < fileLength; base += buf.length - 2) {
        int n = pread(in, base, buf, 0, (int) Math.min(buf.length, fileLength - base));
        for (int i = 0; i + 2 < n; i++) {
          if ((buf[i] & 0xff) == 0x1f && (buf[i + 1] & 0xff) == 0x8b && buf[i + 2] == 8) {
            return base + i;
          }
        }
        if (n < buf.length) {
          break;
        }
      }
      return -1;
    }

    private static long le32(byte[] b, int at) {
      return (b[at] & 0xffL)
          | (b[at + 1] & 0xffL) << 8
          | (b[at + 2] & 0xffL) << 16
          | (b[at + 3] & 0xffL) << 24;
    }

    /** Reads a gzip header byte by byte from the file; past its end every byte reads as -1. */
    private final class Header {
      long at;

      Header(long at) {
        this.at = at;
      }

      int next() throws IOException {
        int b = at < fileLength ? file.buf[file.ensure(at, 1)] & 0xff : -1;
        at++;
        return b;
      }

      void skip(long n) {
        at += n;
      }

      void skipZeroTerminated() throws IOException {
        for (int i = 0; i < MAX_HEADER_FIELD; i++) {
          int b = next();
          if (b == 0) {
            return;
          }
          if (b < 0) {
            break;
          }
        }
        throw new Damaged("a gzip header field is not terminated at byte " + at, at);
      }
    }
  }

  /**
   * A window of the file, refilled from the position asked on a miss: reading members, trailers and
   * headers in file order costs one read per window, however small the members.
   */
  static final class FileWindow {
    private static final int SIZE = 1 << 20;
    final byte[] buf = new byte[SIZE];
    private final FSDataInputStream in;
    private final long fileLength;
    private long start;
    private int len;

    FileWindow(FSDataInputStream in, long fileLength) {
      this.in = in;
      this.fileLength = fileLength;
    }

    /**
     * Makes the file's bytes [at, at + n) (n at most a chunk, within the file) readable; returns
     * their offset.
     */
    int ensure(long at, int n) throws IOException {
      if (at < start || at + n > start + len) {
        start = at;
        len = pread(in, at, buf, 0, (int) Math.min(SIZE, fileLength - at));
        if (len < n) {
          throw new java.io.EOFException(
              "the file is shorter than its length at byte " + (at + len));
        }
      }
      return (int) (at - start);
    }
  }
}
