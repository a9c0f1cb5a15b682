package dev.corral.curation.dedup;

import dev.corral.core.text.PythonStr;
import dev.corral.core.text.Utf8;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * 64-bit SimHash fingerprints of books as RedPajama v1 computes them ({@code
 * rp_v1:data_prep/book/dedup.py} with the {@code simhash} 2.1.2 library, {@code
 * 1e0ng/simhash@78f3b8d5}), and the Hamming search blocks of that library's {@code SimhashIndex}.
 *
 * <ul>
 *   <li>Features ({@code get_features}): the text lower-cased ({@link PythonStr#lower}), every
 *       character that is not {@code \w} removed ({@link PythonStr#isWordChar}), then every window
 *       of {@code width} code points; a text shorter than {@code width} is one feature (the empty
 *       text included). A window that repeats counts again.
 *   <li>Fingerprint (Charikar 2002): each feature hashes to the low 64 bits of the MD5 of its UTF-8
 *       bytes; bit {@code b} of the fingerprint is set when more than half of the features have it
 *       set (a tie gives 0).
 *   <li>Blocks: two fingerprints within Hamming distance {@code k} agree on at least one of {@code
 *       k + 1} blocks (pigeonhole), cut at bit offsets {@code 64 / (k + 1) * i}, the last block
 *       taking the remaining bits.
 * </ul>
 *
 * <p>Speed: a 6-gram costs one MD5 compression, a chain of 64 dependent steps; two features missing
 * from the small cache of frequent ones are hashed together, so the CPU runs two chains at once.
 *
 * <p>Not thread-safe: an instance keeps its buffers between calls, so one is used per task thread.
 */
public final class SimHash {
  /** Bits of a fingerprint. */
  public static final int BITS = 64;

  // The low byte of each of a long's 8 bytes: 8 bit counters side by side in one long.
  private static final long LANES = 0x0101010101010101L;
  // A lane counts to 255 at most before its counts are moved to the int totals: 254 features
  // added, plus the one a previous period left waiting for its pair.
  private static final int LANE_LIMIT = 254;
  // A cache key's third long without the length in its top byte.
  private static final long BYTES_0_TO_6 = 0x00FFFFFFFFFFFFFFL;
  // The longest message MD5 pads into one 64-byte block: 64 - 1 (0x80) - 8 (length).
  private static final int ONE_BLOCK = 55;

  // Features of up to this many UTF-8 bytes are cache keys (three longs, the length + 1 in the
  // top byte).
  private static final int CACHED = 23;
  // Slots of the feature cache: direct-mapped, a newer feature takes the slot of an older one.
  // Small enough (128 KiB) to stay in the core's L2 cache: a larger one missed the CPU's caches
  // and cost more than it saved on books whose 6-grams rarely repeat.
  private static final int CACHE_BITS = 12;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  // ASCII characters that are \w (letters are lower case here).
  private static final boolean[] ASCII_WORD = new boolean[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII_WORD[c] = PythonStr.isWordChar(c);
    }
  }

  private final int width;
  private final int maxChars;
  private byte[] utf8 = new byte[1 << 16];
  private int[] offsets = new int[1 << 14];
  private final int[] block = new int[16];
  private final long[] lanes = new long[8];
  private final long[] counts = new long[BITS];
  // A feature's MD5 once computed: books repeat most of their 6-grams ("andthe", "ofthe").
  // Slot i is cache[4i, 4i + 4): the key's three longs and the hash, side by side in memory.
  private final long[] cache = new long[4 << CACHE_BITS];
  // A feature missing from the cache waits here for a second one, and the two are hashed together.
  private boolean waiting;
  private long waitingK1;
  private long waitingK2;
  private long waitingK3;
  private int waitingLength;
  private int waitingSlot;
  // The two hashes compressShortPair computed last.
  private long pairFirst;
  private long pairSecond;

  /**
   * @param width code points per feature (RedPajama's {@code -w}, 6)
   * @param maxChars code points of a text hashed, 0 for all (RedPajama's {@code -l}, 0)
   */
  public SimHash(int width, int maxChars) {
    if (width < 1 || maxChars < 0) {
      throw new IllegalArgumentException(
          "width must be >= 1 and maxChars >= 0, got " + width + " and " + maxChars);
    }
    this.width = width;
    this.maxChars = maxChars;
  }

  /** RedPajama's {@code get_features(text)}, as strings (for tests and explanations). */
  public List<String> features(String text) {
    int n = wordCharacters(text);
    String s = new String(utf8, 0, offsets[n], StandardCharsets.UTF_8);
    List<String> features = new ArrayList<>();
    if (n < width) {
      features.add(s);
      return features;
    }
    int[] cps = s.codePoints().toArray();
    for (int i = 0; i + width <= n; i++) {
      features.add(new String(cps, i, width));
    }
    return features;
  }

  /** The 64-bit fingerprint of {@code text}, as {@code Simhash(get_features(text)).value}. */
  public long fingerprint(String text) {
    int n = wordCharacters(text);
    java.util.Arrays.fill(counts, 0);
    java.util.Arrays.fill(lanes, 0);
    long features;
    waiting = false;
    if (n < width) {
      features = 1;
      add(0, offsets[n]);
    } else {
      features = n - width + 1;
      int added = 0;
      int[] at = offsets;
      for (int i = 0; i + width <= n; i++) {
        add(at[i], at[i + width] - at[i]);
        if (++added == LANE_LIMIT) {
          flush();
          added = 0;
        }
      }
    }
    if (waiting) {
      count(md5Words(waitingK1, waitingK2, waitingK3 & BYTES_0_TO_6, waitingLength));
    }
    flush();
    long value = 0;
    for (int b = 0; b < BITS; b++) {
      if (2 * counts[b] > features) {
        value |= 1L << b;
      }
    }
    return value;
  }

  /** Hamming distance of two fingerprints. */
  public static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /**
   * The first bit of each of the {@code maxDistance + 1} blocks of {@code SimhashIndex(k =
   * maxDistance)}: {@code 64 / (k + 1) * i}.
   */
  public static int[] blockOffsets(int maxDistance) {
    if (maxDistance < 0 || maxDistance >= BITS / 2) {
      throw new IllegalArgumentException("maxDistance must be in [0, 31], got " + maxDistance);
    }
    int[] offsets = new int[maxDistance + 1];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = BITS / (maxDistance + 1) * i;
    }
    return offsets;
  }

  /**
   * Block {@code i} of {@code fingerprint}: its bits from {@code offsets[i]} up to the next offset
   * (to bit 63 for the last), as {@code SimhashIndex.get_keys} cuts them.
   */
  public static long block(long fingerprint, int[] offsets, int i) {
    int end = i + 1 < offsets.length ? offsets[i + 1] : BITS;
    int bits = end - offsets[i];
    long mask = bits == BITS ? -1L : (1L << bits) - 1;
    return (fingerprint >>> offsets[i]) & mask;
  }

  /**
   * Lower-cases {@code text} as Python does and keeps its {@code \w} code points, as UTF-8 in
   * {@link #utf8} with the byte offset of code point {@code i} in {@code offsets[i]} (and the end
   * in {@code offsets[n]}); returns {@code n}.
   */
  private int wordCharacters(String text) {
    String source = text;
    if (maxChars > 0 && source.codePointCount(0, source.length()) > maxChars) {
      source = source.substring(0, source.offsetByCodePoints(0, maxChars));
    }
    String lower = PythonStr.lower(source);
    int length = lower.length();
    ensureCapacity(
        4 * length + 4 + CACHED + 8, length + 1); // padded: features are read 8 bytes at a time
    byte[] out = utf8;
    int[] at = offsets;
    int bytes = 0;
    int n = 0;
    for (int i = 0; i < length; ) {
      char c = lower.charAt(i);
      if (c < 0x80) {
        i++;
        if (ASCII_WORD[c]) {
          at[n++] = bytes;
          out[bytes++] = (byte) c;
        }
        continue;
      }
      int cp = lower.codePointAt(i);
      i += Character.charCount(cp);
      if (!PythonStr.isWordChar(cp)) {
        continue;
      }
      at[n++] = bytes;
      bytes = Utf8.put(cp, out, bytes);
    }
    at[n] = bytes;
    return n;
  }

  private void ensureCapacity(int bytes, int codePoints) {
    if (utf8.length < bytes) {
      utf8 = new byte[Math.max(bytes, utf8.length * 2)];
    }
    if (offsets.length < codePoints) {
      offsets = new int[Math.max(codePoints, offsets.length * 2)];
    }
  }

  private void count(long h) {
    for (int j = 0; j < 8; j++) {
      lanes[j] += (h >>> j) & LANES;
    }
  }

  // Lane m of lanes[j] counts bit 8m + j.
  private void flush() {
    for (int j = 0; j < 8; j++) {
      long l = lanes[j];
      for (int m = 0; m < 8; m++) {
        counts[8 * m + j] += (l >>> (8 * m)) & 0xFF;
      }
      lanes[j] = 0;
    }
  }

  /**
   * Counts the hash of the feature {@code utf8[from, from + length)}: from the cache when it holds
   * it, else when a second missing feature comes (or the text ends), the two hashed together.
   */
  private void add(int from, int length) {
    if (length > CACHED) {
      count(md5Low64(utf8, from, length));
      return;
    }
    byte[] b = utf8;
    long k1 = (long) LONG_LE.get(b, from);
    long k2 = (long) LONG_LE.get(b, from + 8);
    long k3 = (long) LONG_LE.get(b, from + 16);
    // Keep the feature's bytes only: k1 holds bytes 0-7, k2 8-15, k3 16-22 and the length + 1 on
    // top (+ 1: the empty feature's key is not the all-zero key of an empty slot).
    if (length < 8) {
      k1 &= (1L << (8 * length)) - 1;
      k2 = 0;
      k3 = 0;
    } else if (length < 16) {
      k2 = length == 8 ? 0 : k2 & ((1L << (8 * (length - 8))) - 1);
      k3 = 0;
    } else {
      k3 = length == 16 ? 0 : k3 & ((1L << (8 * (length - 16))) - 1);
    }
    k3 |= (long) (length + 1) << 56;
    long mixed =
        (k1 * 0x9E3779B97F4A7C15L) ^ (k2 * 0xC2B2AE3D27D4EB4FL) ^ (k3 * 0x165667B19E3779F9L);
    int slot = (int) ((mixed ^ (mixed >>> 29)) * 0xBF58476D1CE4E5B9L >>> (64 - CACHE_BITS));
    long[] c = cache;
    int at = slot << 2;
    if (c[at] == k1 && c[at + 1] == k2 && c[at + 2] == k3) {
      count(c[at + 3]);
      return;
    }
    if (!waiting) {
      waiting = true;
      waitingK1 = k1;
      waitingK2 = k2;
      waitingK3 = k3;
      waitingLength = length;
      waitingSlot = slot;
      return;
    }
    waiting = false;
    hashPair(
        waitingK1,
        waitingK2,
        waitingK3 & BYTES_0_TO_6,
        waitingLength,
        k1,
        k2,
        k3 & BYTES_0_TO_6,
        length);
    remember(waitingSlot, waitingK1, waitingK2, waitingK3, pairFirst);
    remember(slot, k1, k2, k3, pairSecond);
    count(pairFirst);
    count(pairSecond);
  }

  private void remember(int slot, long k1, long k2, long k3, long hash) {
    int at = slot << 2;
    cache[at] = k1;
    cache[at + 1] = k2;
    cache[at + 2] = k3;
    cache[at + 3] = hash;
  }

  /** {@link #hashPair} of two byte strings of up to 23 bytes, for tests: the two low 64 bits. */
  long[] md5PairLow64(byte[] p, byte[] q) {
    long[] pw = littleEndianWords(p);
    long[] qw = littleEndianWords(q);
    hashPair(pw[0], pw[1], pw[2], p.length, qw[0], qw[1], qw[2], q.length);
    return new long[] {pairFirst, pairSecond};
  }

  private static long[] littleEndianWords(byte[] bytes) {
    if (bytes.length > CACHED) {
      throw new IllegalArgumentException("at most " + CACHED + " bytes, got " + bytes.length);
    }
    long[] words = new long[3];
    for (int i = 0; i < bytes.length; i++) {
      words[i >>> 3] |= (bytes[i] & 0xFFL) << ((i & 7) << 3);
    }
    return words;
  }

  /** The MD5s of two messages of up to 23 bytes each, given as little-endian longs. */
  private void hashPair(
      long p1, long p2, long p3, int length, long q1, long q2, long q3, int qLength) {
    // The padding's 0x80 byte right after each message; its bit length in word 14.
    if (length < 8) {
      p1 |= 0x80L << (8 * length);
    } else if (length < 16) {
      p2 |= 0x80L << (8 * (length - 8));
    } else {
      p3 |= 0x80L << (8 * (length - 16));
    }
    if (qLength < 8) {
      q1 |= 0x80L << (8 * qLength);
    } else if (qLength < 16) {
      q2 |= 0x80L << (8 * (qLength - 8));
    } else {
      q3 |= 0x80L << (8 * (qLength - 16));
    }
    compressShortPair(
        (int) p1,
        (int) (p1 >>> 32),
        (int) p2,
        (int) (p2 >>> 32),
        (int) p3,
        (int) (p3 >>> 32),
        length << 3,
        (int) q1,
        (int) (q1 >>> 32),
        (int) q2,
        (int) (q2 >>> 32),
        (int) q3,
        (int) (q3 >>> 32),
        qLength << 3);
  }

  /** The low 64 bits of the MD5 of a message of up to 23 bytes, given as little-endian longs. */
  private long md5Words(long k1, long k2, long k3, int length) {
    int[] x = block;
    x[0] = (int) k1;
    x[1] = (int) (k1 >>> 32);
    x[2] = (int) k2;
    x[3] = (int) (k2 >>> 32);
    x[4] = (int) k3;
    x[5] = (int) (k3 >>> 32);
    java.util.Arrays.fill(x, 6, 14, 0); // a longer message may have used them
    x[14] = length << 3;
    x[length >>> 2] |= 0x80 << ((length & 3) << 3);
    return compress(x);
  }

  /**
   * The low 64 bits of the MD5 of {@code bytes[from, from + length)}, read big-endian ({@code
   * int.from_bytes(md5(f).digest()[8:], 'big')}); one compression for the short features of books,
   * the JDK's digest for longer ones.
   */
  long md5Low64(byte[] bytes, int from, int length) {
    if (length > ONE_BLOCK) {
      return md5Low64Jdk(bytes, from, length);
    }
    int[] x = block;
    java.util.Arrays.fill(x, 0);
    for (int i = 0; i < length; i++) {
      x[i >>> 2] |= (bytes[from + i] & 0xFF) << ((i & 3) << 3);
    }
    x[length >>> 2] |= 0x80 << ((length & 3) << 3);
    x[14] = length << 3;
    return compress(x);
  }

  private static long md5Low64Jdk(byte[] bytes, int from, int length) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(bytes, from, length);
      byte[] d = md5.digest();
      long h = 0;
      for (int i = 8; i < 16; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }

  // RFC 1321, one 64-byte block from the initial state; the digest's bytes 8-15 read big-endian.
  private static long compress(int[] words) {
    int x0 = words[0];
    int x1 = words[1];
    int x2 = words[2];
    int x3 = words[3];
    int x4 = words[4];
    int x5 = words[5];
    int x6 = words[6];
    int x7 = words[7];
    int x8 = words[8];
    int x9 = words[9];
    int x10 = words[10];
    int x11 = words[11];
    int x12 = words[12];
    int x13 = words[13];
    int x14 = words[14];
    int x15 = words[15];
    int a = 0x67452301;
    int b = 0xefcdab89;
    int c = 0x98badcfe;
    int d = 0x10325476;
    a = ff(a, b, c, d, x0, 7, 0xd76aa478);
    d = ff(d, a, b, c, x1, 12, 0xe8c7b756);
    c = ff(c, d, a, b, x2, 17, 0x242070db);
    b = ff(b, c, d, a, x3, 22, 0xc1bdceee);
    a = ff(a, b, c, d, x4, 7, 0xf57c0faf);
    d = ff(d, a, b, c, x5, 12, 0x4787c62a);
    c = ff(c, d, a, b, x6, 17, 0xa8304613);
    b = ff(b, c, d, a, x7, 22, 0xfd469501);
    a = ff(a, b, c, d, x8, 7, 0x698098d8);
    d = ff(d, a, b, c, x9, 12, 0x8b44f7af);
    c = ff(c, d, a, b, x10, 17, 0xffff5bb1);
    b = ff(b, c, d, a, x11, 22, 0x895cd7be);
    a = ff(a, b, c, d, x12, 7, 0x6b901122);
    d = ff(d, a, b, c, x13, 12, 0xfd987193);
    c = ff(c, d, a, b, x14, 17, 0xa679438e);
    b = ff(b, c, d, a, x15, 22, 0x49b40821);
    a = gg(a, b, c, d, x1, 5, 0xf61e2562);
    d = gg(d, a, b, c, x6, 9, 0xc040b340);
    c = gg(c, d, a, b, x11, 14, 0x265e5a51);
    b = gg(b, c, d, a, x0, 20, 0xe9b6c7aa);
    a = gg(a, b, c, d, x5, 5, 0xd62f105d);
    d = gg(d, a, b, c, x10, 9, 0x02441453);
    c = gg(c, d, a, b, x15, 14, 0xd8a1e681);
    b = gg(b, c, d, a, x4, 20, 0xe7d3fbc8);
    a = gg(a, b, c, d, x9, 5, 0x21e1cde6);
    d = gg(d, a, b, c, x14, 9, 0xc33707d6);
    c = gg(c, d, a, b, x3, 14, 0xf4d50d87);
    b = gg(b, c, d, a, x8, 20, 0x455a14ed);
    a = gg(a, b, c, d, x13, 5, 0xa9e3e905);
    d = gg(d, a, b, c, x2, 9, 0xfcefa3f8);
    c = gg(c, d, a, b, x7, 14, 0x676f02d9);
    b = gg(b, c, d, a, x12, 20, 0x8d2a4c8a);
    a = hh(a, b, c, d, x5, 4, 0xfffa3942);
    d = hh(d, a, b, c, x8, 11, 0x8771f681);
    c = hh(c, d, a, b, x11, 16, 0x6d9d6122);
    b = hh(b, c, d, a, x14, 23, 0xfde5380c);
    a = hh(a, b, c, d, x1, 4, 0xa4beea44);
    d = hh(d, a, b, c, x4, 11, 0x4bdecfa9);
    c = hh(c, d, a, b, x7, 16, 0xf6bb4b60);
    b = hh(b, c, d, a, x10, 23, 0xbebfbc70);
    a = hh(a, b, c, d, x13, 4, 0x289b7ec6);
    d = hh(d, a, b, c, x0, 11, 0xeaa127fa);
    c = hh(c, d, a, b, x3, 16, 0xd4ef3085);
    b = hh(b, c, d, a, x6, 23, 0x04881d05);
    a = hh(a, b, c, d, x9, 4, 0xd9d4d039);
    d = hh(d, a, b, c, x12, 11, 0xe6db99e5);
    c = hh(c, d, a, b, x15, 16, 0x1fa27cf8);
    b = hh(b, c, d, a, x2, 23, 0xc4ac5665);
    a = ii(a, b, c, d, x0, 6, 0xf4292244);
    d = ii(d, a, b, c, x7, 10, 0x432aff97);
    c = ii(c, d, a, b, x14, 15, 0xab9423a7);
    b = ii(b, c, d, a, x5, 21, 0xfc93a039);
    a = ii(a, b, c, d, x12, 6, 0x655b59c3);
    d = ii(d, a, b, c, x3, 10, 0x8f0ccc92);
    c = ii(c, d, a, b, x10, 15, 0xffeff47d);
    b = ii(b, c, d, a, x1, 21, 0x85845dd1);
    a = ii(a, b, c, d, x8, 6, 0x6fa87e4f);
    d = ii(d, a, b, c, x15, 10, 0xfe2ce6e0);
    c = ii(c, d, a, b, x6, 15, 0xa3014314);
    b = ii(b, c, d, a, x13, 21, 0x4e0811a1);
    a = ii(a, b, c, d, x4, 6, 0xf7537e82);
    d = ii(d, a, b, c, x11, 10, 0xbd3af235);
    c = ii(c, d, a, b, x2, 15, 0x2ad7d2bb);
    b = ii(b, c, d, a, x9, 21, 0xeb86d391);
    c += 0x98badcfe;
    d += 0x10325476;
    return ((long) Integer.reverseBytes(c) << 32) | (Integer.reverseBytes(d) & 0xFFFFFFFFL);
  }

  /**
   * {@link #compress} of two short messages at once (words 6-13 and 15 zero: at most 23 bytes): the
   * two independent chains of dependent steps run side by side on the CPU, which one chain, bound
   * by each step's latency, leaves idle. The results go to {@link #pairFirst} and {@link
   * #pairSecond}.
   */
  private void compressShortPair(
      int x0_1,
      int x1_1,
      int x2_1,
      int x3_1,
      int x4_1,
      int x5_1,
      int x14_1,
      int x0_2,
      int x1_2,
      int x2_2,
      int x3_2,
      int x4_2,
      int x5_2,
      int x14_2) {
    int a1 = 0x67452301;
    int b1 = 0xefcdab89;
    int c1 = 0x98badcfe;
    int d1 = 0x10325476;
    int a2 = a1;
    int b2 = b1;
    int c2 = c1;
    int d2 = d1;
    a1 = ff(a1, b1, c1, d1, x0_1, 7, 0xd76aa478);
    a2 = ff(a2, b2, c2, d2, x0_2, 7, 0xd76aa478);
    d1 = ff(d1, a1, b1, c1, x1_1, 12, 0xe8c7b756);
    d2 = ff(d2, a2, b2, c2, x1_2, 12, 0xe8c7b756);
    c1 = ff(c1, d1, a1, b1, x2_1, 17, 0x242070db);
    c2 = ff(c2, d2, a2, b2, x2_2, 17, 0x242070db);
    b1 = ff(b1, c1, d1, a1, x3_1, 22, 0xc1bdceee);
    b2 = ff(b2, c2, d2, a2, x3_2, 22, 0xc1bdceee);
    a1 = ff(a1, b1, c1, d1, x4_1, 7, 0xf57c0faf);
    a2 = ff(a2, b2, c2, d2, x4_2, 7, 0xf57c0faf);
    d1 = ff(d1, a1, b1, c1, x5_1, 12, 0x4787c62a);
    d2 = ff(d2, a2, b2, c2, x5_2, 12, 0x4787c62a);
    c1 = ff(c1, d1, a1, b1, 0, 17, 0xa8304613);
    c2 = ff(c2, d2, a2, b2, 0, 17, 0xa8304613);
    b1 = ff(b1, c1, d1, a1, 0, 22, 0xfd469501);
    b2 = ff(b2, c2, d2, a2, 0, 22, 0xfd469501);
    a1 = ff(a1, b1, c1, d1, 0, 7, 0x698098d8);
    a2 = ff(a2, b2, c2, d2, 0, 7, 0x698098d8);
    d1 = ff(d1, a1, b1, c1, 0, 12, 0x8b44f7af);
    d2 = ff(d2, a2, b2, c2, 0, 12, 0x8b44f7af);
    c1 = ff(c1, d1, a1, b1, 0, 17, 0xffff5bb1);
    c2 = ff(c2, d2, a2, b2, 0, 17, 0xffff5bb1);
    b1 = ff(b1, c1, d1, a1, 0, 22, 0x895cd7be);
    b2 = ff(b2, c2, d2, a2, 0, 22, 0x895cd7be);
    a1 = ff(a1, b1, c1, d1, 0, 7, 0x6b901122);
    a2 = ff(a2, b2, c2, d2, 0, 7, 0x6b901122);
    d1 = ff(d1, a1, b1, c1, 0, 12, 0xfd987193);
    d2 = ff(d2, a2, b2, c2, 0, 12, 0xfd987193);
    c1 = ff(c1, d1, a1, b1, x14_1, 17, 0xa679438e);
    c2 = ff(c2, d2, a2, b2, x14_2, 17, 0xa679438e);
    b1 = ff(b1, c1, d1, a1, 0, 22, 0x49b40821);
    b2 = ff(b2, c2, d2, a2, 0, 22, 0x49b40821);
    a1 = gg(a1, b1, c1, d1, x1_1, 5, 0xf61e2562);
    a2 = gg(a2, b2, c2, d2, x1_2, 5, 0xf61e2562);
    d1 = gg(d1, a1, b1, c1, 0, 9, 0xc040b340);
    d2 = gg(d2, a2, b2, c2, 0, 9, 0xc040b340);
    c1 = gg(c1, d1, a1, b1, 0, 14, 0x265e5a51);
    c2 = gg(c2, d2, a2, b2, 0, 14, 0x265e5a51);
    b1 = gg(b1, c1, d1, a1, x0_1, 20, 0xe9b6c7aa);
    b2 = gg(b2, c2, d2, a2, x0_2, 20, 0xe9b6c7aa);
    a1 = gg(a1, b1, c1, d1, x5_1, 5, 0xd62f105d);
    a2 = gg(a2, b2, c2, d2, x5_2, 5, 0xd62f105d);
    d1 = gg(d1, a1, b1, c1, 0, 9, 0x02441453);
    d2 = gg(d2, a2, b2, c2, 0, 9, 0x02441453);
    c1 = gg(c1, d1, a1, b1, 0, 14, 0xd8a1e681);
    c2 = gg(c2, d2, a2, b2, 0, 14, 0xd8a1e681);
    b1 = gg(b1, c1, d1, a1, x4_1, 20, 0xe7d3fbc8);
    b2 = gg(b2, c2, d2, a2, x4_2, 20, 0xe7d3fbc8);
    a1 = gg(a1, b1, c1, d1, 0, 5, 0x21e1cde6);
    a2 = gg(a2, b2, c2, d2, 0, 5, 0x21e1cde6);
    d1 = gg(d1, a1, b1, c1, x14_1, 9, 0xc33707d6);
    d2 = gg(d2, a2, b2, c2, x14_2, 9, 0xc33707d6);
    c1 = gg(c1, d1, a1, b1, x3_1, 14, 0xf4d50d87);
    c2 = gg(c2, d2, a2, b2, x3_2, 14, 0xf4d50d87);
    b1 = gg(b1, c1, d1, a1, 0, 20, 0x455a14ed);
    b2 = gg(b2, c2, d2, a2, 0, 20, 0x455a14ed);
    a1 = gg(a1, b1, c1, d1, 0, 5, 0xa9e3e905);
    a2 = gg(a2, b2, c2, d2, 0, 5, 0xa9e3e905);
    d1 = gg(d1, a1, b1, c1, x2_1, 9, 0xfcefa3f8);
    d2 = gg(d2, a2, b2, c2, x2_2, 9, 0xfcefa3f8);
    c1 = gg(c1, d1, a1, b1, 0, 14, 0x676f02d9);
    c2 = gg(c2, d2, a2, b2, 0, 14, 0x676f02d9);
    b1 = gg(b1, c1, d1, a1, 0, 20, 0x8d2a4c8a);
    b2 = gg(b2, c2, d2, a2, 0, 20, 0x8d2a4c8a);
    a1 = hh(a1, b1, c1, d1, x5_1, 4, 0xfffa3942);
    a2 = hh(a2, b2, c2, d2, x5_2, 4, 0xfffa3942);
    d1 = hh(d1, a1, b1, c1, 0, 11, 0x8771f681);
    d2 = hh(d2, a2, b2, c2, 0, 11, 0x8771f681);
    c1 = hh(c1, d1, a1, b1, 0, 16, 0x6d9d6122);
    c2 = hh(c2, d2, a2, b2, 0, 16, 0x6d9d6122);
    b1 = hh(b1, c1, d1, a1, x14_1, 23, 0xfde5380c);
    b2 = hh(b2, c2, d2, a2, x14_2, 23, 0xfde5380c);
    a1 = hh(a1, b1, c1, d1, x1_1, 4, 0xa4beea44);
    a2 = hh(a2, b2, c2, d2, x1_2, 4, 0xa4beea44);
    d1 = hh(d1, a1, b1, c1, x4_1, 11, 0x4bdecfa9);
    d2 = hh(d2, a2, b2, c2, x4_2, 11, 0x4bdecfa9);
    c1 = hh(c1, d1, a1, b1, 0, 16, 0xf6bb4b60);
    c2 = hh(c2, d2, a2, b2, 0, 16, 0xf6bb4b60);
    b1 = hh(b1, c1, d1, a1, 0, 23, 0xbebfbc70);
    b2 = hh(b2, c2, d2, a2, 0, 23, 0xbebfbc70);
    a1 = hh(a1, b1, c1, d1, 0, 4, 0x289b7ec6);
    a2 = hh(a2, b2, c2, d2, 0, 4, 0x289b7ec6);
    d1 = hh(d1, a1, b1, c1, x0_1, 11, 0xeaa127fa);
    d2 = hh(d2, a2, b2, c2, x0_2, 11, 0xeaa127fa);
    c1 = hh(c1, d1, a1, b1, x3_1, 16, 0xd4ef3085);
    c2 = hh(c2, d2, a2, b2, x3_2, 16, 0xd4ef3085);
    b1 = hh(b1, c1, d1, a1, 0, 23, 0x04881d05);
    b2 = hh(b2, c2, d2, a2, 0, 23, 0x04881d05);
    a1 = hh(a1, b1, c1, d1, 0, 4, 0xd9d4d039);
    a2 = hh(a2, b2, c2, d2, 0, 4, 0xd9d4d039);
    d1 = hh(d1, a1, b1, c1, 0, 11, 0xe6db99e5);
    d2 = hh(d2, a2, b2, c2, 0, 11, 0xe6db99e5);
    c1 = hh(c1, d1, a1, b1, 0, 16, 0x1fa27cf8);
    c2 = hh(c2, d2, a2, b2, 0, 16, 0x1fa27cf8);
    b1 = hh(b1, c1, d1, a1, x2_1, 23, 0xc4ac5665);
    b2 = hh(b2, c2, d2, a2, x2_2, 23, 0xc4ac5665);
    a1 = ii(a1, b1, c1, d1, x0_1, 6, 0xf4292244);
    a2 = ii(a2, b2, c2, d2, x0_2, 6, 0xf4292244);
    d1 = ii(d1, a1, b1, c1, 0, 10, 0x432aff97);
    d2 = ii(d2, a2, b2, c2, 0, 10, 0x432aff97);
    c1 = ii(c1, d1, a1, b1, x14_1, 15, 0xab9423a7);
    c2 = ii(c2, d2, a2, b2, x14_2, 15, 0xab9423a7);
    b1 = ii(b1, c1, d1, a1, x5_1, 21, 0xfc93a039);
    b2 = ii(b2, c2, d2, a2, x5_2, 21, 0xfc93a039);
    a1 = ii(a1, b1, c1, d1, 0, 6, 0x655b59c3);
    a2 = ii(a2, b2, c2, d2, 0, 6, 0x655b59c3);
    d1 = ii(d1, a1, b1, c1, x3_1, 10, 0x8f0ccc92);
    d2 = ii(d2, a2, b2, c2, x3_2, 10, 0x8f0ccc92);
    c1 = ii(c1, d1, a1, b1, 0, 15, 0xffeff47d);
    c2 = ii(c2, d2, a2, b2, 0, 15, 0xffeff47d);
    b1 = ii(b1, c1, d1, a1, x1_1, 21, 0x85845dd1);
    b2 = ii(b2, c2, d2, a2, x1_2, 21, 0x85845dd1);
    a1 = ii(a1, b1, c1, d1, 0, 6, 0x6fa87e4f);
    a2 = ii(a2, b2, c2, d2, 0, 6, 0x6fa87e4f);
    d1 = ii(d1, a1, b1, c1, 0, 10, 0xfe2ce6e0);
    d2 = ii(d2, a2, b2, c2, 0, 10, 0xfe2ce6e0);
    c1 = ii(c1, d1, a1, b1, 0, 15, 0xa3014314);
    c2 = ii(c2, d2, a2, b2, 0, 15, 0xa3014314);
    b1 = ii(b1, c1, d1, a1, 0, 21, 0x4e0811a1);
    b2 = ii(b2, c2, d2, a2, 0, 21, 0x4e0811a1);
    a1 = ii(a1, b1, c1, d1, x4_1, 6, 0xf7537e82);
    a2 = ii(a2, b2, c2, d2, x4_2, 6, 0xf7537e82);
    d1 = ii(d1, a1, b1, c1, 0, 10, 0xbd3af235);
    d2 = ii(d2, a2, b2, c2, 0, 10, 0xbd3af235);
    c1 = ii(c1, d1, a1, b1, x2_1, 15, 0x2ad7d2bb);
    c2 = ii(c2, d2, a2, b2, x2_2, 15, 0x2ad7d2bb);
    b1 = ii(b1, c1, d1, a1, 0, 21, 0xeb86d391);
    b2 = ii(b2, c2, d2, a2, 0, 21, 0xeb86d391);
    c1 += 0x98badcfe;
    d1 += 0x10325476;
    c2 += 0x98badcfe;
    d2 += 0x10325476;
    pairFirst = ((long) Integer.reverseBytes(c1) << 32) | (Integer.reverseBytes(d1) & 0xFFFFFFFFL);
    pairSecond = ((long) Integer.reverseBytes(c2) << 32) | (Integer.reverseBytes(d2) & 0xFFFFFFFFL);
  }

  private static int ff(int a, int b, int c, int d, int x, int s, int t) {
    return Integer.rotateLeft(a + ((b & c) | (~b & d)) + x + t, s) + b;
  }

  private static int gg(int a, int b, int c, int d, int x, int s, int t) {
    return Integer.rotateLeft(a + ((b & d) | (c & ~d)) + x + t, s) + b;
  }

  private static int hh(int a, int b, int c, int d, int x, int s, int t) {
    return Integer.rotateLeft(a + (b ^ c ^ d) + x + t, s) + b;
  }

  private static int ii(int a, int b, int c, int d, int x, int s, int t) {
    return Integer.rotateLeft(a + (c ^ (b | ~d)) + x + t, s) + b;
  }
}
