package dev.corral.curation.sources.arxiv;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tar archives as Python's {@code tarfile} (3.11) reads them, since RedPajama decides with it
 * whether a paper is a project or a single file: a header is a 512-byte block whose checksum
 * matches (unsigned or signed sum) and whose number fields parse as {@code nti} parses them (octal
 * text, or base-256 after a 0x80/0xFF byte); GNU long names and links ({@code L}, {@code K}) and
 * pax headers ({@code x}, {@code g}: path, linkpath, size, mtime) belong to the member they
 * precede; the ustar prefix joins the name; data follows regular files and unknown types only,
 * rounded up to 512 bytes. GNU sparse members are read as regular files.
 *
 * <p>Two ways of walking an archive use this: {@link #members} lists a paper's own archive with
 * {@code TarFile.getmembers()}'s stopping rules, and {@link TarRange} walks a multi-GB bulk tar
 * from any byte offset.
 */
final class Tar {
  static final int BLOCK = 512;

  static final byte REGTYPE = '0';
  static final byte AREGTYPE = 0;
  static final byte LNKTYPE = '1';
  static final byte SYMTYPE = '2';
  static final byte DIRTYPE = '5';
  static final byte CONTTYPE = '7';
  static final byte GNU_LONGNAME = 'L';
  static final byte GNU_LONGLINK = 'K';
  static final byte GNU_SPARSE = 'S';
  static final byte PAX_HEADER = 'x';
  static final byte PAX_GLOBAL = 'g';
  static final byte SOLARIS_PAX = 'X';

  private Tar() {}

  /** Random access to an archive's bytes. */
  interface Source {
    long length();

    /** Reads {@code len} bytes at {@code pos}, fewer only at the end; returns how many. */
    int read(long pos, byte[] buf, int off, int len) throws IOException;
  }

  /** An archive held in memory; remembers how far reading went. */
  static final class Bytes implements Source {
    final byte[] data;
    private long furthest;

    Bytes(byte[] data) {
      this.data = data;
    }

    @Override
    public long length() {
      return data.length;
    }

    @Override
    public int read(long pos, byte[] buf, int off, int len) {
      furthest = Math.max(furthest, pos + len);
      if (pos >= data.length) {
        return 0;
      }
      int n = (int) Math.min(len, data.length - pos);
      System.arraycopy(data, (int) pos, buf, off, n);
      return n;
    }

    /** The end of the furthest range asked for, even beyond the data. */
    long furthest() {
      return furthest;
    }
  }

  /** Why a header could not be read, as {@code tarfile}'s header errors say. */
  enum Problem {
    /** No bytes left. */
    EMPTY,
    /** Fewer than 512 bytes left. */
    TRUNCATED,
    /** A block of zeros: the end of the archive. */
    END,
    /** Checksum or number fields wrong. */
    INVALID,
    /** A long-name or pax header not followed by a valid header. */
    SUBSEQUENT
  }

  /** A header that could not be read. */
  static final class HeaderException extends Exception {
    private static final long serialVersionUID = 1L;
    final Problem problem;

    HeaderException(Problem problem) {
      super(problem.name().toLowerCase(java.util.Locale.ROOT), null, false, false);
      this.problem = problem;
    }
  }

  /**
   * One member with the headers before it.
   *
   * @param offset the first header's offset (an extended header's when there is one)
   * @param name path in the archive
   * @param linkname link target, for links
   * @param type the type flag of the member's own header
   * @param size bytes of data
   * @param mtimeSeconds modification time, whole seconds
   * @param mtimeMicros and microseconds (pax times may have them)
   * @param dataOffset where the data starts
   * @param nextOffset where the next member's header starts
   * @param tell where {@code tarfile}'s file position is after reading the headers
   */
  record Member(
      long offset,
      String name,
      String linkname,
      byte type,
      long size,
      long mtimeSeconds,
      int mtimeMicros,
      long dataOffset,
      long nextOffset,
      long tell) {
    boolean isRegular() {
      return type == REGTYPE || type == AREGTYPE || type == CONTTYPE || type == GNU_SPARSE;
    }

    boolean isLink() {
      return type == LNKTYPE || type == SYMTYPE;
    }

    /** Regular files and unknown types have data to read; {@code tarfile} reads both. */
    boolean hasData() {
      return isRegular() || !isSupported(type);
    }
  }

  static boolean isSupported(byte type) {
    return switch (type) {
      case REGTYPE, AREGTYPE, LNKTYPE, SYMTYPE, DIRTYPE, '6', CONTTYPE, '3', '4' -> true;
      case GNU_LONGNAME, GNU_LONGLINK, GNU_SPARSE -> true;
      default -> false;
    };
  }

  /** {@code tarfile}'s {@code _block}: {@code size} rounded up to whole blocks. */
  static long blocks(long size) {
    return size >= (1L << 62) ? 1L << 62 : (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  /** The raw fields of one header block; {@link #check} says whether it is one. */
  static final class Header {
    String name;
    String linkname;
    byte type;
    long size;
    long mtime;
  }

  /** Whether {@code block} (512 bytes at {@code off}) is all zeros. */
  static boolean isZero(byte[] block, int off) {
    for (int i = off; i < off + BLOCK; i++) {
      if (block[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code TarInfo.frombuf}: the header in {@code block} at {@code off}, or why it is none ({@link
   * Problem#END} or {@link Problem#INVALID}).
   */
  static Header parse(byte[] block, int off) throws HeaderException {
    if (isZero(block, off)) {
      throw new HeaderException(Problem.END);
    }
    long checksum = number(block, off + 148, 8);
    long unsigned = 256;
    long signed = 256;
    for (int i = 0; i < BLOCK; i++) {
      if (i < 148 || i >= 156) {
        unsigned += block[off + i] & 0xFF;
        signed += block[off + i];
      }
    }
    if (checksum != unsigned && checksum != signed) {
      throw new HeaderException(Problem.INVALID);
    }
    Header h = new Header();
    h.name = text(block, off, 100);
    number(block, off + 100, 8); // mode, uid, gid: parsed only to be checked, as tarfile does
    number(block, off + 108, 8);
    number(block, off + 116, 8);
    h.size = number(block, off + 124, 12);
    h.mtime = number(block, off + 136, 12);
    h.type = block[off + 156];
    h.linkname = text(block, off + 157, 100);
    number(block, off + 329, 8);
    number(block, off + 337, 8);
    String prefix = text(block, off + 345, 155);
    if (h.type == GNU_SPARSE) {
      for (int i = 0; i < 8; i++) {
        number(block, off + 386 + 12 * i, 12);
      }
      number(block, off + 483, 12);
    }
    if (h.size < 0) {
      throw new HeaderException(Problem.INVALID); // tarfile would seek backwards; nothing real does
    }
    if (h.type == AREGTYPE && h.name.endsWith("/")) {
      h.type = DIRTYPE; // old V7 directories
    }
    if (h.type == DIRTYPE) {
      h.name = stripTrailingSlashes(h.name);
    }
    if (!prefix.isEmpty()
        && h.type != GNU_LONGNAME
        && h.type != GNU_LONGLINK
        && h.type != GNU_SPARSE) {
      h.name = prefix + "/" + h.name;
    }
    return h;
  }

  /** {@code nts}: bytes up to the first NUL, as UTF-8 (invalid bytes replaced). */
  static String text(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  /**
   * {@code nti}: base-256 after a 0x80 or 0xFF byte, else Python's {@code int(s.strip() or "0", 8)}
   * on the ASCII text up to the first NUL (sign, {@code 0o} prefix and underscores allowed). Values
   * beyond a long saturate.
   */
  static long number(byte[] b, int off, int len) throws HeaderException {
    int first = b[off] & 0xFF;
    if (first == 0x80 || first == 0xFF) {
      long n = 0;
      for (int i = 1; i < len; i++) {
        if (n > (Long.MAX_VALUE >> 8)) {
          n = Long.MAX_VALUE;
          break;
        }
        n = (n << 8) | (b[off + i] & 0xFF);
      }
      if (first == 0x80) {
        return n;
      }
      // Python: -(256 ** (len - 1) - n), a negative number; only its sign matters to a reader.
      java.math.BigInteger value =
          java.math.BigInteger.valueOf(n)
              .subtract(java.math.BigInteger.ONE.shiftLeft(8 * (len - 1)));
      return value.bitLength() < 64 ? value.longValue() : Long.MIN_VALUE;
    }
    int end = off;
    while (end < off + len && b[end] != 0) {
      if ((b[end] & 0x80) != 0) {
        throw new HeaderException(Problem.INVALID); // not ASCII
      }
      end++;
    }
    int s = off;
    while (s < end && isAsciiSpace(b[s])) {
      s++;
    }
    while (end > s && isAsciiSpace(b[end - 1])) {
      end--;
    }
    if (s == end) {
      return 0;
    }
    boolean negative = false;
    if (b[s] == '+' || b[s] == '-') {
      negative = b[s] == '-';
      s++;
    }
    boolean underscoreOk = false;
    if (end - s >= 2 && b[s] == '0' && (b[s + 1] == 'o' || b[s + 1] == 'O')) {
      s += 2;
      underscoreOk = true; // int("0o_7", 8) is 7
    }
    if (s == end) {
      throw new HeaderException(Problem.INVALID);
    }
    long n = 0;
    boolean digit = false;
    for (int i = s; i < end; i++) {
      byte c = b[i];
      if (c == '_') {
        if (!underscoreOk) {
          throw new HeaderException(Problem.INVALID);
        }
        underscoreOk = false;
      } else if (c >= '0' && c <= '7') {
        n = n > (Long.MAX_VALUE >> 3) ? Long.MAX_VALUE : (n << 3) | (c - '0');
        underscoreOk = true;
        digit = true;
      } else {
        throw new HeaderException(Problem.INVALID);
      }
    }
    if (!digit || b[end - 1] == '_') {
      throw new HeaderException(Problem.INVALID);
    }
    return negative ? -n : n;
  }

  private static boolean isAsciiSpace(byte c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
  }

  private static String stripTrailingSlashes(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }

  /**
   * Reads the 512-byte block at {@code pos}: {@link Problem#EMPTY}/{@code TRUNCATED} at the end.
   */
  static byte[] block(Source src, long pos) throws IOException, HeaderException {
    byte[] block = new byte[BLOCK];
    int n = src.read(pos, block, 0, BLOCK);
    if (n == 0) {
      throw new HeaderException(Problem.EMPTY);
    }
    if (n < BLOCK) {
      throw new HeaderException(Problem.TRUNCATED);
    }
    return block;
  }

  /**
   * {@code TarInfo.fromtarfile}: the member whose first header is at {@code pos}, with {@code
   * global} pax records (updated by a global header) applied.
   */
  static Member member(Source src, long pos, Map<String, String> global)
      throws IOException, HeaderException {
    Header h = parse(block(src, pos), 0);
    long after = pos + BLOCK;
    if (h.type == GNU_LONGNAME || h.type == GNU_LONGLINK) {
      byte[] data = readUpTo(src, after, blocks(h.size));
      Member next = subsequent(src, after + data.length, global);
      String value = text(data, 0, data.length);
      String name = next.name();
      String link = next.linkname();
      if (h.type == GNU_LONGNAME) {
        name =
            next.type() == DIRTYPE && value.endsWith("/")
                ? value.substring(0, value.length() - 1)
                : value;
      } else {
        link = value;
      }
      return new Member(
          pos,
          name,
          link,
          next.type(),
          next.size(),
          next.mtimeSeconds(),
          next.mtimeMicros(),
          next.dataOffset(),
          next.nextOffset(),
          next.tell());
    }
    if (h.type == PAX_HEADER || h.type == PAX_GLOBAL || h.type == SOLARIS_PAX) {
      byte[] data = readUpTo(src, after, blocks(h.size));
      Map<String, String> records = pax(data);
      if (h.type == PAX_GLOBAL) {
        global.putAll(records);
        Member next = subsequent(src, after + data.length, global);
        return next;
      }
      Map<String, String> all = new HashMap<>(global);
      all.putAll(records);
      Member next = subsequent(src, after + data.length, global);
      Member m = applyPax(next, all, pos);
      if (all.containsKey("size")) {
        long next2 = m.dataOffset() + (m.hasData() ? blocks(m.size()) : 0);
        m =
            new Member(
                m.offset(),
                m.name(),
                m.linkname(),
                m.type(),
                m.size(),
                m.mtimeSeconds(),
                m.mtimeMicros(),
                m.dataOffset(),
                next2,
                m.tell());
      }
      return m;
    }
    long dataOffset = after;
    Member m =
        new Member(
            pos,
            h.name,
            h.linkname,
            h.type,
            h.size,
            h.mtime,
            0,
            dataOffset,
            dataOffset + (isRegularOrUnknown(h.type) ? blocks(h.size) : 0),
            dataOffset);
    return global.isEmpty() ? m : applyPax(m, global, pos);
  }

  private static boolean isRegularOrUnknown(byte type) {
    return type == REGTYPE
        || type == AREGTYPE
        || type == CONTTYPE
        || type == GNU_SPARSE
        || !isSupported(type);
  }

  /** The member after an extended header; any header problem becomes {@link Problem#SUBSEQUENT}. */
  private static Member subsequent(Source src, long pos, Map<String, String> global)
      throws IOException, HeaderException {
    try {
      return member(src, pos, global);
    } catch (HeaderException e) {
      throw new HeaderException(Problem.SUBSEQUENT);
    }
  }

  private static byte[] readUpTo(Source src, long pos, long len) throws IOException {
    long left = Math.max(0, src.length() - pos);
    byte[] data = new byte[(int) Math.min(len, Math.min(left, Integer.MAX_VALUE - 16))];
    int n = src.read(pos, data, 0, data.length);
    return n == data.length ? data : java.util.Arrays.copyOf(data, n);
  }

  /**
   * The records of a pax header ({@code "%d %s=%s\n"}); framing errors are {@link Problem#INVALID},
   * as in Debian's Python 3.11.
   */
  static Map<String, String> pax(byte[] buf) throws HeaderException {
    Map<String, String> records = new HashMap<>();
    int pos = 0;
    while (pos < buf.length && buf[pos] != 0) {
      int digits = pos;
      while (digits < buf.length && digits - pos < 20 && buf[digits] >= '0' && buf[digits] <= '9') {
        digits++;
      }
      if (digits == pos || digits >= buf.length || buf[digits] != ' ') {
        throw new HeaderException(Problem.INVALID);
      }
      long length =
          digits - pos > 18
              ? Long.MAX_VALUE
              : Long.parseLong(new String(buf, pos, digits - pos, StandardCharsets.US_ASCII));
      if (length < 5 || length > buf.length - pos) {
        throw new HeaderException(Problem.INVALID);
      }
      int last = (int) (pos + length - 1);
      int keyStart = digits + 1;
      int equals = keyStart;
      while (equals < last && buf[equals] != '=') {
        equals++;
      }
      if (equals == keyStart || equals >= last || buf[last] != '\n') {
        throw new HeaderException(Problem.INVALID);
      }
      String key = new String(buf, keyStart, equals - keyStart, StandardCharsets.UTF_8);
      records.put(key, new String(buf, equals + 1, last - equals - 1, StandardCharsets.UTF_8));
      pos += (int) length;
    }
    return records;
  }

  /** {@code _apply_pax_info}: path, linkpath, size and mtime from pax records. */
  private static Member applyPax(Member m, Map<String, String> pax, long offset) {
    String name = m.name();
    String link = m.linkname();
    long size = m.size();
    long seconds = m.mtimeSeconds();
    int micros = m.mtimeMicros();
    if (pax.containsKey("path")) {
      name = stripTrailingSlashes(pax.get("path"));
    }
    if (pax.containsKey("linkpath")) {
      link = pax.get("linkpath");
    }
    if (pax.containsKey("size")) {
      size = parseLongOrZero(pax.get("size"));
    }
    if (pax.containsKey("mtime")) {
      try {
        BigDecimal t = new BigDecimal(pax.get("mtime").strip()).setScale(6, RoundingMode.HALF_EVEN);
        seconds = t.setScale(0, RoundingMode.FLOOR).longValueExact();
        micros = t.subtract(BigDecimal.valueOf(seconds)).movePointRight(6).intValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        seconds = 0; // float(value) failed: tarfile takes 0
        micros = 0;
      }
    }
    return new Member(
        offset,
        name,
        link,
        m.type(),
        size,
        seconds,
        micros,
        m.dataOffset(),
        m.nextOffset(),
        m.tell());
  }

  private static long parseLongOrZero(String s) {
    try {
      long v = Long.parseLong(s.strip().replace("_", ""));
      return Math.max(0, v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The archive is not a tar for {@code tarfile.open} (its first header is unreadable). */
  static final class NotATar extends Exception {
    private static final long serialVersionUID = 1L;

    NotATar() {
      super("not a tar", null, false, false);
    }
  }

  /**
   * {@code getmembers()} raised {@code ReadError} (data cut short, a bad header after a long name).
   */
  static final class ReadError extends Exception {
    private static final long serialVersionUID = 1L;

    ReadError() {
      super("tar read error", null, false, false);
    }
  }

  /**
   * {@code tarfile.open(...).getmembers()} on an archive in memory: members in order up to the
   * first block of zeros, or up to the first unreadable header after the first one (both end the
   * list without an error, as in {@code TarFile.next}).
   *
   * @throws NotATar when the first header is unreadable (then RedPajama reads the file as gzip)
   * @throws ReadError when {@code tarfile} raises {@code ReadError} while listing
   */
  static List<Member> members(Bytes src) throws NotATar, ReadError {
    byte[] data = src.data;
    List<Member> members = new ArrayList<>();
    Map<String, String> global = new HashMap<>();
    long offset = 0;
    long tell = 0;
    while (true) {
      // TarFile.next: "seek(offset - 1); if not read(1): raise ReadError('unexpected end of
      // data')".
      if (offset != tell && offset > data.length) {
        throw new ReadError();
      }
      try {
        Member m = member(src, offset, global);
        members.add(m);
        offset = m.nextOffset();
        tell = m.tell();
      } catch (HeaderException e) {
        switch (e.problem) {
          case END -> {
            return members;
          }
          case SUBSEQUENT -> throw new ReadError();
          default -> {
            if (offset == 0) {
              throw new NotATar();
            }
            return members;
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e); // reading memory does not fail
      }
    }
  }

  /** {@code posixpath.normpath}. */
  static String normpath(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    int initial =
        path.startsWith("/") ? (path.startsWith("//") && !path.startsWith("///") ? 2 : 1) : 0;
    List<String> comps = new ArrayList<>();
    for (String comp : path.split("/", -1)) {
      if (comp.isEmpty() || comp.equals(".")) {
        continue;
      }
      if (!comp.equals("..")
          || (initial == 0 && comps.isEmpty())
          || (!comps.isEmpty() && comps.get(comps.size() - 1).equals(".."))) {
        comps.add(comp);
      } else if (!comps.isEmpty()) {
        comps.remove(comps.size() - 1);
      }
    }
    String joined = "/".repeat(initial) + String.join("/", comps);
    return joined.isEmpty() ? "." : joined;
  }

  /** {@code posixpath.dirname}. */
  static String dirname(String path) {
    String head = path.substring(0, path.lastIndexOf('/') + 1);
    if (!head.isEmpty() && !head.chars().allMatch(c -> c == '/')) {
      head = stripTrailingSlashes(head);
    }
    return head;
  }

  /**
   * {@code TarFile._find_link_target}: a symbolic link's target is searched among all members
   * (relative to the link's folder), a hard link's among those before it; the last match wins. Null
   * when there is none ({@code KeyError}).
   */
  static Member linkTarget(List<Member> members, int index) {
    Member link = members.get(index);
    String target;
    int limit;
    if (link.type() == SYMTYPE) {
      String dir = dirname(link.name());
      target =
          dir.isEmpty()
              ? link.linkname()
              : link.linkname().isEmpty() ? dir : dir + "/" + link.linkname();
      limit = members.size();
    } else {
      target = link.linkname();
      limit = index;
    }
    String wanted = normpath(target);
    for (int i = limit - 1; i >= 0; i--) {
      if (normpath(members.get(i).name()).equals(wanted)) {
        return members.get(i);
      }
    }
    return null;
  }
}
