package dev.corral.curation.lm;

import dev.corral.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a KenLM binary language model, the file KenLM's {@code build_binary} writes (Heafield 2011;
 * format version 5, the one CCNet's released {@code {lang}.arpa.bin} models use), into a {@link
 * KenlmProbingModel} that is queried in place: memory-mapped from a local file, or copied into the
 * heap from a stream whose length is known.
 *
 * <p>The file: a fixed header (a magic line, test values that pin down byte order and type widths,
 * the order, the probing multiplier, the data structure, whether the words are kept, and the n-gram
 * count of every order); the vocabulary, a linear-probing hash table from each word's 64-bit
 * MurmurHash64A to its id; the unigrams (log10 probability and back-off, indexed by id, id 0 being
 * {@code <unk>}); one linear-probing table per middle order and one for the highest order, keyed by
 * a hash that combines the n-gram's word ids from its last word leftwards; then, optionally, the
 * words as NUL-terminated strings. Every size follows from the header's counts; they are checked
 * against the file's length before anything is mapped or allocated, and a file that is cut short,
 * of another version or data structure, or otherwise not what it claims to be is refused with one
 * line naming it.
 *
 * <p>The data structures {@code probing} (build_binary's default) and {@code probing with rest
 * costs} are read; the {@code trie} ones ({@code build_binary ... trie}) are refused with a message
 * saying so.
 */
public final class KenlmBinary {
  /** What every KenLM binary starts with, whatever its version. */
  static final byte[] FAMILY = ascii("mmap lm http://kheafield.com/code");

  /** How many first bytes {@link #isBinary(byte[], int)} needs. */
  public static final int FAMILY_LENGTH = FAMILY.length;

  private static final String MAGIC = "mmap lm http://kheafield.com/code format version 5\n\0\0";
  private static final String INCOMPLETE = "mmap lm http://kheafield.com/code incomplete\n";
  // The magic padded to 8 bytes, three test floats, three test ints, one test uint64.
  private static final int SANITY_BYTES = 88;
  // order (u8), probing multiplier (f32), model type (i32), has vocabulary (u8), search version.
  private static final int FIXED_BYTES = 20;
  private static final String[] MODEL_TYPES = {
    "probing hash tables",
    "probing hash tables with rest costs",
    "trie",
    "trie with quantization",
    "trie with array-compressed pointers",
    "trie with quantization and array-compressed pointers"
  };
  private static final int MAX_ORDER = 255;

  private KenlmBinary() {}

  /** Whether the file at {@code path} starts as a KenLM binary does (any version). */
  public static boolean isBinary(Path path) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(FAMILY.length);
      while (head.hasRemaining() && channel.read(head) >= 0) {}
      return isBinary(head.array(), head.position());
    } catch (IOException e) {
      throw Errors.unreadable(path.toString(), e);
    }
  }

  /** Whether the first {@code length} bytes of {@code head} start as a KenLM binary does. */
  public static boolean isBinary(byte[] head, int length) {
    return length >= FAMILY.length
        && Arrays.equals(head, 0, FAMILY.length, FAMILY, 0, FAMILY.length);
  }

  /** Maps the KenLM binary at {@code path}. */
  public static NgramModel read(Path path) {
    String name = path.toString();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileSize = channel.size();
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(fileSize, maxHeaderBytes()));
      while (head.hasRemaining() && channel.read(head, head.position()) >= 0) {}
      Layout layout = Layout.parse(name, head.array(), head.position(), fileSize);
      // The mapping outlives the channel, as FileChannel.map promises.
      return layout.model(ModelBytes.map(channel, layout.mappedBytes()));
    } catch (IOException e) {
      throw Errors.unreadable(name, e);
    }
  }

  /**
   * Reads a KenLM binary of {@code fileSize} bytes from {@code in} into the heap; {@code name}
   * names it in errors.
   */
  public static NgramModel read(InputStream in, long fileSize, String name) {
    try {
      byte[] head = in.readNBytes((int) Math.min(fileSize, maxHeaderBytes()));
      Layout layout = Layout.parse(name, head, head.length, fileSize);
      InputStream rest =
          new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), in);
      return layout.model(ModelBytes.read(rest, layout.mappedBytes()));
    } catch (IOException e) {
      throw Errors.unreadable(name, e);
    }
  }

  /**
   * Checks the header of the KenLM binary whose first bytes {@code in} gives against its length
   * {@code fileSize}, without reading the tables: a driver runs this before Spark starts.
   */
  public static void checkHeader(InputStream in, long fileSize, String name) {
    try {
      byte[] head = in.readNBytes((int) Math.min(fileSize, maxHeaderBytes()));
      Layout.parse(name, head, head.length, fileSize);
    } catch (IOException e) {
      throw Errors.unreadable(name, e);
    }
  }

  private static int maxHeaderBytes() {
    return align8(SANITY_BYTES + FIXED_BYTES + 8 * MAX_ORDER);
  }

  /** The header's values and where each table lies, all checked against the file's length. */
  private record Layout(
      String name,
      int order,
      long[] counts,
      int modelType,
      boolean hasVocabulary,
      long vocabulary,
      long vocabularyBuckets,
      long unigrams,
      int weightBytes,
      long[] middles,
      long[] middleBuckets,
      long longest,
      long longestBuckets,
      long end) {

    static Layout parse(String name, byte[] head, int length, long fileSize) {
      if (!isBinary(head, length)) {
        throw bad(name, "it does not start with KenLM's header");
      }
      String start = new String(head, 0, Math.min(length, 64), StandardCharsets.ISO_8859_1);
      if (start.startsWith(INCOMPLETE)) {
        throw bad(name, "build_binary did not finish writing it");
      }
      if (length < SANITY_BYTES + FIXED_BYTES) {
        throw truncated(name, "the header", SANITY_BYTES + FIXED_BYTES, fileSize);
      }
      if (!start.startsWith(MAGIC)) {
        String line = start.substring(0, Math.max(0, start.indexOf('\n')));
        throw bad(
            name,
            "its header says '"
                + printable(line)
                + "' but only format version 5 is read; rebuild it with build_binary from the ARPA"
                + " file");
      }
      ByteBuffer b = ByteBuffer.wrap(head, 0, length).order(ByteOrder.LITTLE_ENDIAN);
      // The test values KenLM writes: a file from another byte order or word size differs here.
      if (b.getFloat(56) != 0f
          || b.getFloat(60) != 1f
          || b.getFloat(64) != -0.5f
          || b.getInt(68) != 1
          || b.getInt(72) != -1
          || b.getInt(76) != 0
          || b.getLong(80) != 1L) {
        throw bad(
            name,
            "its test values do not match a little-endian 64-bit build (bytes 56-87); rebuild it"
                + " with build_binary on this architecture");
      }
      int order = head[SANITY_BYTES] & 0xff;
      float multiplier = b.getFloat(SANITY_BYTES + 4);
      int modelType = b.getInt(SANITY_BYTES + 8);
      int hasVocabulary = head[SANITY_BYTES + 12] & 0xff;
      int searchVersion = b.getInt(SANITY_BYTES + 16);
      if (modelType < 0 || modelType >= MODEL_TYPES.length) {
        throw bad(
            name, "unknown data structure " + modelType + " (byte " + (SANITY_BYTES + 8) + ")");
      }
      if (modelType >= 2) {
        throw Errors.unsupported(
            name,
            "KenLM binary with "
                + MODEL_TYPES[modelType]
                + ": only probing hash tables are read; rebuild it with 'build_binary probing'");
      }
      if (order < 2) {
        throw bad(name, "order " + order + " (byte " + SANITY_BYTES + "): KenLM needs at least 2");
      }
      if (!(multiplier >= 1f) || Float.isInfinite(multiplier)) {
        throw bad(name, "probing multiplier " + multiplier + " is not a finite number >= 1");
      }
      if (hasVocabulary > 1) {
        throw bad(name, "'has vocabulary' is " + hasVocabulary + ", not 0 or 1");
      }
      if (searchVersion != 0) {
        throw bad(
            name, MODEL_TYPES[modelType] + " version " + searchVersion + ", but only 0 is read");
      }
      int headerBytes = align8(SANITY_BYTES + FIXED_BYTES + 8 * order);
      if (length < headerBytes) {
        throw truncated(name, "the header of an order-" + order + " model", headerBytes, fileSize);
      }
      long[] counts = new long[order];
      for (int k = 0; k < order; k++) {
        counts[k] = b.getLong(SANITY_BYTES + FIXED_BYTES + 8 * k);
        // A word id is 32 bits.
        if (counts[k] < 1 || (k == 0 && counts[k] > 0xfffffffeL)) {
          throw bad(
              name, "the count of " + (k + 1) + "-grams is " + Long.toUnsignedString(counts[k]));
        }
      }
      int weightBytes = modelType == 1 ? 12 : 8;
      try {
        long vocabulary = headerBytes + 8L; // after the vocabulary's version and bound
        long vocabularyBuckets = buckets(counts[0], multiplier);
        long at = Math.addExact(vocabulary, Math.multiplyExact(vocabularyBuckets, 12L));
        long unigrams = at;
        at = Math.addExact(at, Math.multiplyExact(counts[0] + 1, (long) weightBytes));
        long[] middles = new long[order - 2];
        long[] middleBuckets = new long[order - 2];
        for (int k = 2; k < order; k++) {
          middles[k - 2] = at;
          middleBuckets[k - 2] = buckets(counts[k - 1], multiplier);
          at = Math.addExact(at, Math.multiplyExact(middleBuckets[k - 2], 8L + weightBytes));
        }
        long longest = at;
        long longestBuckets = buckets(counts[order - 1], multiplier);
        long end = Math.addExact(at, Math.multiplyExact(longestBuckets, 12L));
        // The words follow the tables, <unk> first.
        long needed = end + (hasVocabulary == 1 ? 6 : 0);
        if (fileSize < needed) {
          throw truncated(name, describe(counts, multiplier), needed, fileSize);
        }
        return new Layout(
            name,
            order,
            counts,
            modelType,
            hasVocabulary == 1,
            vocabulary,
            vocabularyBuckets,
            unigrams,
            weightBytes,
            middles,
            middleBuckets,
            longest,
            longestBuckets,
            end);
      } catch (ArithmeticException e) {
        throw bad(name, describe(counts, multiplier) + " need more bytes than a file can hold");
      }
    }

    long mappedBytes() {
      return end + (hasVocabulary ? 6 : 0);
    }

    KenlmProbingModel model(ModelBytes bytes) {
      if (hasVocabulary) {
        byte[] unk = new byte[6];
        for (int i = 0; i < 6; i++) {
          unk[i] = bytes.get(end + i);
        }
        if (!Arrays.equals(unk, ascii("<unk>\0"))) {
          throw bad(name, "its word list does not start with <unk> at byte " + end);
        }
      }
      long header = vocabulary - 8;
      int version = bytes.getInt(header);
      long bound = Integer.toUnsignedLong(bytes.getInt(header + 4));
      if (version != 0) {
        throw bad(
            name, "vocabulary version " + version + " (byte " + header + "), but only 0 is read");
      }
      if (bound < 1 || bound > counts[0] + 1) {
        throw bad(
            name,
            "the vocabulary holds "
                + bound
                + " words (byte "
                + (header + 4)
                + ") but the header counts "
                + counts[0]
                + " 1-grams");
      }
      // Every id in the vocabulary must index a unigram: checked once here, not on every lookup.
      for (long i = 0; i < vocabularyBuckets; i++) {
        long at = vocabulary + 12 * i;
        if (bytes.getLong(at) != 0 && Integer.toUnsignedLong(bytes.getInt(at + 8)) >= bound) {
          throw bad(
              name,
              "vocabulary entry at byte "
                  + at
                  + " has word id "
                  + Integer.toUnsignedLong(bytes.getInt(at + 8))
                  + " but there are "
                  + bound
                  + " words");
        }
      }
      return new KenlmProbingModel(
          name,
          bytes,
          counts,
          (int) bound,
          vocabulary,
          vocabularyBuckets,
          unigrams,
          weightBytes,
          middles,
          middleBuckets,
          longest,
          longestBuckets);
    }
  }

  /**
   * Buckets of a probing table for {@code entries} n-grams, as KenLM sizes it: {@code max(entries +
   * 1, multiplier * entries)}, the product taken in float.
   */
  static long buckets(long entries, float multiplier) {
    float scaled = multiplier * (float) entries;
    if (scaled >= 0x1p62f) {
      throw new ArithmeticException("too many buckets");
    }
    return Math.max(Math.addExact(entries, 1), (long) scaled);
  }

  /** MurmurHash64A (Appleby) with seed 0, which KenLM uses to hash a word's bytes. */
  static long murmurHash64A(byte[] data) {
    final long m = 0xc6a4a7935bd1e995L;
    final int r = 47;
    int length = data.length;
    long h = (length * m);
    int blocks = length / 8;
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < blocks; i++) {
      long k = b.getLong(8 * i);
      k *= m;
      k ^= k >>> r;
      k *= m;
      h ^= k;
      h *= m;
    }
    int tail = blocks * 8;
    switch (length & 7) {
      case 7:
        h ^= (data[tail + 6] & 0xffL) << 48;
      // fall through
      case 6:
        h ^= (data[tail + 5] & 0xffL) << 40;
      // fall through
      case 5:
        h ^= (data[tail + 4] & 0xffL) << 32;
      // fall through
      case 4:
        h ^= (data[tail + 3] & 0xffL) << 24;
      // fall through
      case 3:
        h ^= (data[tail + 2] & 0xffL) << 16;
      // fall through
      case 2:
        h ^= (data[tail + 1] & 0xffL) << 8;
      // fall through
      case 1:
        h ^= data[tail] & 0xffL;
        h *= m;
      // fall through
      default:
        break;
    }
    h ^= h >>> r;
    h *= m;
    h ^= h >>> r;
    return h;
  }

  private static String describe(long[] counts, float multiplier) {
    StringBuilder sb = new StringBuilder("the header's counts (");
    for (int k = 0; k < counts.length; k++) {
      sb.append(k == 0 ? "" : ", ").append(k + 1).append("-grams ").append(counts[k]);
    }
    return sb.append(") and probing multiplier ").append(multiplier).toString();
  }

  private static RuntimeException bad(String name, String what) {
    return Errors.badKenlmBinary(name, what);
  }

  private static RuntimeException truncated(String name, String what, long needed, long size) {
    return Errors.truncatedKenlmBinary(name, what, needed, size);
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }

  private static int align8(int n) {
    return (n + 7) / 8 * 8;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
