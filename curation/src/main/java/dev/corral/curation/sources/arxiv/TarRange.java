package dev.corral.curation.sources.arxiv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The members of a bulk tar whose first header lies in {@code [start, end)}, so that many tasks
 * read one multi-GB tar, each its own range, and every member is read by exactly one of them.
 *
 * <p>A range starting inside the archive finds its first member by scanning 512-byte blocks for a
 * valid header (checksum and number fields as {@link Tar#parse} checks them) that carries the ustar
 * magic or whose member is followed by another valid header, a block of zeros or the end of the
 * file: a block of compressed data (arXiv's members are gzip files and PDFs) passes these checks by
 * chance too rarely to matter. A member that is itself an uncompressed tar could mislead a range
 * that starts inside it. A member whose GNU long-name or pax header lies before {@code start}
 * belongs to the range before, which reads past its end to finish it. Blocks of zeros between
 * members (an archive's end, concatenated archives) are passed over.
 *
 * <p>Damage never costs a neighbour: a header that is not valid where one is expected is counted
 * with its offset and reading resumes at the next valid header, found by the same scan; a member
 * whose data runs past the end of the file is counted and ends the range. Python's {@code tarfile},
 * which RedPajama extracts with, stops at the first bad header instead.
 */
final class TarRange {
  /** How far back a long-name or pax header is looked for before a range's first header. */
  static final int MAX_EXTENDED_BLOCKS = 64;

  private final Tar.Source src;
  private final long end;
  private final long length;
  private long pos;
  private Tar.Member ready;
  private final List<String> problems = new ArrayList<>();
  private long otherMembers;

  TarRange(Tar.Source src, long start, long end) throws IOException {
    this.src = src;
    this.length = src.length();
    this.end = Math.min(end, length);
    this.pos = start == 0 ? 0 : firstMember(start);
  }

  /** Problems met, each {@code "offset N: what"}, in order. */
  List<String> problems() {
    return problems;
  }

  /** Members that are not papers (folders, PDFs, links, other files). */
  long otherMembers() {
    return otherMembers;
  }

  /** Whether another paper ({@code *.gz} regular file) lies in the range. */
  boolean hasNext() {
    try {
      while (ready == null && advance()) {
        // advance until a paper or the end
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ready != null;
  }

  /** The next paper member; its data is at {@code dataOffset}, {@code size} bytes. */
  Tar.Member next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Tar.Member m = ready;
    ready = null;
    return m;
  }

  /** Reads one member (or passes a zero block); false at the range's end. */
  private boolean advance() throws IOException {
    if (pos >= end) {
      // The member at pos is the next range's; a broken header there is only reachable from here.
      if (pos < length && !blockIsHeaderOrZeroOrShort(pos)) {
        problem(pos, "invalid tar header");
      }
      return false;
    }
    byte[] block;
    try {
      block = Tar.block(src, pos);
    } catch (Tar.HeaderException e) {
      problem(pos, "tar header cut short at the end of the file");
      pos = length;
      return false;
    }
    if (Tar.isZero(block, 0)) {
      pos += Tar.BLOCK;
      return true;
    }
    Tar.Member m;
    try {
      m = Tar.member(src, pos, new HashMap<>());
    } catch (Tar.HeaderException e) {
      problem(
          pos,
          e.problem == Tar.Problem.SUBSEQUENT
              ? "invalid tar header after a long-name or pax header"
              : "invalid tar header");
      pos = nextValidHeader(pos + Tar.BLOCK);
      return true;
    }
    long dataEnd = m.hasData() ? m.dataOffset() + m.size() : m.dataOffset();
    if (dataEnd > length) {
      problem(pos, "member " + m.name() + " cut short at the end of the file");
      pos = length;
      return false;
    }
    pos = m.nextOffset();
    if (m.isRegular() && m.name().endsWith(".gz")) {
      ready = m;
    } else {
      otherMembers++;
    }
    return true;
  }

  private void problem(long offset, String what) {
    problems.add("offset " + offset + ": " + what);
  }

  /** The first member that starts at or after {@code start}; {@code end} when there is none. */
  private long firstMember(long start) throws IOException {
    long b = Tar.blocks(start);
    long found = nextValidHeader(b);
    if (found >= end) {
      return found;
    }
    // A long-name or pax header just before start makes this member the previous range's.
    for (int k = 1; k <= MAX_EXTENDED_BLOCKS && found - (long) k * Tar.BLOCK >= 0; k++) {
      long a = found - (long) k * Tar.BLOCK;
      if (a >= start) {
        continue;
      }
      Tar.Header h = headerAt(a);
      if (h != null && isExtended(h.type) && a + Tar.BLOCK + Tar.blocks(h.size) == found) {
        try {
          return Tar.member(src, a, new HashMap<>()).nextOffset();
        } catch (Tar.HeaderException e) {
          return found;
        }
      }
    }
    return found;
  }

  private static boolean isExtended(byte type) {
    return type == Tar.GNU_LONGNAME
        || type == Tar.GNU_LONGLINK
        || type == Tar.PAX_HEADER
        || type == Tar.PAX_GLOBAL
        || type == Tar.SOLARIS_PAX;
  }

  /**
   * The first block at or after {@code from} (512-aligned) that starts a member; or the end. A
   * valid checksum must come with the ustar magic (POSIX or GNU) or with a member that ends where
   * another header, a block of zeros or the file's end follows (old V7 tars have no magic; a
   * damaged next header does not hide a member that has it).
   */
  private long nextValidHeader(long from) throws IOException {
    byte[] block = new byte[Tar.BLOCK];
    for (long b = from; b + Tar.BLOCK <= length; b += Tar.BLOCK) {
      if (src.read(b, block, 0, Tar.BLOCK) < Tar.BLOCK || !isHeader(block)) {
        continue;
      }
      if (hasUstarMagic(block)) {
        return b;
      }
      try {
        long next = Tar.member(src, b, new HashMap<>()).nextOffset();
        if (next >= length || blockIsHeaderOrZeroOrShort(next)) {
          return b;
        }
      } catch (Tar.HeaderException e) {
        // not a member after all
      }
    }
    return length;
  }

  private static boolean isHeader(byte[] block) {
    try {
      Tar.parse(block, 0);
      return true;
    } catch (Tar.HeaderException e) {
      return false;
    }
  }

  /** {@code ustar\0} (POSIX) or {@code ustar \0} (GNU) at offset 257. */
  static boolean hasUstarMagic(byte[] block) {
    return block[257] == 'u'
        && block[258] == 's'
        && block[259] == 't'
        && block[260] == 'a'
        && block[261] == 'r'
        && (block[262] == 0 || (block[262] == ' ' && block[263] == ' ' && block[264] == 0));
  }

  private Tar.Header headerAt(long offset) throws IOException {
    try {
      return Tar.parse(Tar.block(src, offset), 0);
    } catch (Tar.HeaderException e) {
      return null;
    }
  }

  private boolean blockIsHeaderOrZeroOrShort(long offset) throws IOException {
    byte[] block = new byte[Tar.BLOCK];
    if (src.read(offset, block, 0, Tar.BLOCK) < Tar.BLOCK || Tar.isZero(block, 0)) {
      return true;
    }
    try {
      Tar.parse(block, 0);
      return true;
    } catch (Tar.HeaderException e) {
      return false;
    }
  }
}
