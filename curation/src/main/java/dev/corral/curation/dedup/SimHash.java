package dev.corral.curation.dedup;

import dev.corral.core.text.PythonStr;
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
 * <p>Not thread-safe: an instance keeps its buffers between calls, so one is used per task thread.
 */
public final class SimHash {
  /** Bits of a fingerprint. */
  public static final int BITS = 64;

  // The low byte of each of a long's 8 bytes: 8 bit counters side by side in one long.
  private static final long LANES = 0x0101010101010101L;
  // A lane counts to 255 at most before its counts are moved to the int totals.
  private static final int LANE_LIMIT = 255;
  // The longest message MD5 pads into one 64-byte block: 64 - 1 (0x80) - 8 (length).
  private static final int ONE_BLOCK = 55;

  // Features of up to this many UTF-8 bytes are cache keys (three longs, the length + 1 in the
  // top byte).
  private static final int CACHED = 23;
  // Slots of the feature cache: direct-mapped, a newer feature takes the slot of an older one.
  private static final int CACHE_BITS = 17;
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
  private final long[] cacheKey1 = new long[1 << CACHE_BITS];
  private final long[] cacheKey2 = new long[1 << CACHE_BITS];
  private final long[] cacheKey3 = new long[1 << CACHE_BITS];
  private final long[] cacheHash = new long[1 << CACHE_BITS];

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
    if (n < width) {
      features = 1;
      count(feature(0, offsets[n]));
    } else {
      features = n - width + 1;
      int pending = 0;
      int[] at = offsets;
      for (int i = 0; i + width <= n; i++) {
        count(feature(at[i], at[i + width] - at[i]));
        if (++pending == LANE_LIMIT) {
          flush();
          pending = 0;
        }
      }
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
      if (cp < 0x800) {
        out[bytes++] = (byte) (0xC0 | (cp >>> 6));
        out[bytes++] = (byte) (0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out[bytes++] = (byte) (0xE0 | (cp >>> 12));
        out[bytes++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        out[bytes++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        out[bytes++] = (byte) (0xF0 | (cp >>> 18));
        out[bytes++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
        out[bytes++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        out[bytes++] = (byte) (0x80 | (cp & 0x3F));
      }
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

  /** The hash of the feature {@code utf8[from, from + length)}, from the cache when it holds it. */
  private long feature(int from, int length) {
    if (length > CACHED) {
      return md5Low64(utf8, from, length);
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
    if (cacheKey1[slot] == k1 && cacheKey2[slot] == k2 && cacheKey3[slot] == k3) {
      return cacheHash[slot];
    }
    long h = md5Words(k1, k2, k3 & 0x00FFFFFFFFFFFFFFL, length);
    cacheKey1[slot] = k1;
    cacheKey2[slot] = k2;
    cacheKey3[slot] = k3;
    cacheHash[slot] = h;
    return h;
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
