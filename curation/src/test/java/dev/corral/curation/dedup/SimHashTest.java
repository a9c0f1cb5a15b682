package dev.corral.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SimHash against the reference: SOURCES.md Appendix A.1 (the real simhash 2.1.2 with RedPajama's
 * get_features) and values printed by the same code for texts that exercise Python's lower() and \w
 * (Greek final sigma, U+0130, CJK, astral letters, numbers, emoji).
 */
class SimHashTest {
  private static final String A =
      "It was the best of times, it was the worst of times, it was the age of wisdom.";
  private static final String B =
      "It was the best of times, it was the worst of times, it was the age of foolishness.";
  private static final String C = "Call me Ishmael. Some years ago, never mind how long precisely.";

  private final SimHash simhash = new SimHash(6, 0);

  @Test
  void appendixA1GoldenValues() {
    List<String> features = simhash.features(A);
    assertEquals(List.of("itwast", "twasth", "wasthe"), features.subList(0, 3));
    assertEquals(53, features.size());
    assertEquals(0xddd451b508fb3630L, simhash.fingerprint(A));
    assertEquals(0xcdd4913108db1611L, simhash.fingerprint(B));
    assertEquals(0xec027cbdec6c274cL, simhash.fingerprint(C));
    assertEquals(9, SimHash.distance(simhash.fingerprint(A), simhash.fingerprint(B)));
    assertEquals(29, SimHash.distance(simhash.fingerprint(A), simhash.fingerprint(C)));
    assertArrayEquals(new int[] {0, 10, 20, 30, 40, 50}, SimHash.blockOffsets(5));
    assertEquals(List.of("hi"), simhash.features("Hi!"));
    assertEquals(List.of(""), simhash.features(""));
  }

  /** Printed by Simhash(get_features(t)).value with the reference code (see test resources). */
  @Test
  void unicodeTextsAsTheReferenceHashesThem() {
    String greek = "ΟΔΥΣΣΕΥΣ ΚΑΙ ΠΗΝΕΛΟΠΗ. Ἄνδρα μοι ἔννεπε, μοῦσα, πολύτροπον";
    assertEquals(0x108b1ffef7547d57L, simhash.fingerprint(greek));
    assertEquals(
        List.of("οδυσσε", "δυσσευ", "υσσευς", "σσευςκ"), simhash.features(greek).subList(0, 4));
    assertEquals(43, simhash.features(greek).size());
    String mixed = "İstanbul’da snake_case ünïcödé — 東京 𝒜𝒷𝒸 ½ ① 😀 x";
    assertEquals(0x4b4fa1004f0d5d40L, simhash.fingerprint(mixed));
    assertEquals(30, simhash.features(mixed).size());
    assertEquals(0x0bf489821c21fc3bL, simhash.fingerprint("Hi!"));
    assertEquals(0xe9800998ecf8427eL, simhash.fingerprint(""));
    assertEquals(0x58aad83c8c14978eL, simhash.fingerprint("abcdef"));
    assertEquals(0x4028181480049484L, simhash.fingerprint("ABCDEFG"));
    assertEquals(0x96fc0667d4a6642cL, simhash.fingerprint("¿Qué?  ¡Sí!"));
    assertEquals(List.of("quésí"), simhash.features("¿Qué?  ¡Sí!"));
    assertEquals(0x5fb5f95b9ceeac79L, simhash.fingerprint("a".repeat(20)));
  }

  @Test
  void maxCharsHashesOnlyTheStartOfAText() {
    SimHash first12 = new SimHash(6, 12);
    assertEquals(simhash.fingerprint(A.substring(0, 12)), first12.fingerprint(A));
    assertEquals(simhash.fingerprint("Hi!"), first12.fingerprint("Hi!"));
  }

  @Test
  void oneBlockMd5EqualsTheJdksOnEveryLength() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    for (int length = 0; length <= 80; length++) {
      byte[] bytes = new byte[length + 3];
      random.nextBytes(bytes);
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(bytes, 3, length);
      byte[] d = md5.digest();
      long expected = 0;
      for (int i = 8; i < 16; i++) {
        expected = (expected << 8) | (d[i] & 0xFF);
      }
      assertEquals(expected, simhash.md5Low64(bytes, 3, length), "length " + length);
    }
    byte[] text = "hello".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        0xb9719d911017c592L, simhash.md5Low64(text, 0, text.length)); // Python: md5(b"hello")[8:]
  }

  @Test
  void twoShortMessagesHashedTogetherEqualTheJdksMd5() throws Exception {
    SplittableRandom random = new SplittableRandom(13);
    for (int t = 0; t < 2000; t++) {
      byte[] p = new byte[t < 24 ? t : random.nextInt(24)];
      byte[] q = new byte[random.nextInt(24)];
      random.nextBytes(p);
      random.nextBytes(q);
      long[] pair = simhash.md5PairLow64(p, q);
      assertEquals(jdkMd5Low64(p), pair[0], "first of lengths " + p.length + ", " + q.length);
      assertEquals(jdkMd5Low64(q), pair[1], "second of lengths " + p.length + ", " + q.length);
    }
  }

  private static long jdkMd5Low64(byte[] bytes) throws Exception {
    byte[] d = MessageDigest.getInstance("MD5").digest(bytes);
    long h = 0;
    for (int i = 8; i < 16; i++) {
      h = (h << 8) | (d[i] & 0xFF);
    }
    return h;
  }

  /**
   * The fast path (feature cache, byte-lane counters, one-block MD5) equals the definition written
   * plainly: the JDK's MD5 of each feature of {@link SimHash#features}, bits set on a strict
   * majority. Texts of random words over a small alphabet repeat features, so the cache is hit and
   * its slots are overwritten; long texts pass the 255-feature lane limit; the empty text first, on
   * a fresh instance, meets an empty cache.
   */
  @Test
  void fastFingerprintEqualsThePlainDefinition() throws Exception {
    SimHash fresh = new SimHash(6, 0);
    assertEquals(plain(""), fresh.fingerprint(""));
    SplittableRandom random = new SplittableRandom(11);
    String[] alphabet = {"a", "b", "e", "t", " ", ", ", "É", "σ", "Σ", "東", "𝒜", "_", "7", "\n"};
    for (int t = 0; t < 300; t++) {
      StringBuilder text = new StringBuilder();
      int length = t < 100 ? random.nextInt(12) : random.nextInt(3000);
      for (int i = 0; i < length; i++) {
        text.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String s = text.toString();
      assertEquals(plain(s), fresh.fingerprint(s), s);
    }
    // one feature over and over: every count of a bit lane reaches its limit
    for (String s : new String[] {"a".repeat(3000), "ab".repeat(1000), "abcdefg".repeat(500)}) {
      assertEquals(plain(s), fresh.fingerprint(s), s.substring(0, 10));
    }
  }

  private long plain(String text) throws Exception {
    List<String> features = simhash.features(text);
    int[] counts = new int[SimHash.BITS];
    for (String f : features) {
      byte[] d = MessageDigest.getInstance("MD5").digest(f.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 8; i < 16; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      for (int b = 0; b < SimHash.BITS; b++) {
        counts[b] += (int) ((h >>> b) & 1);
      }
    }
    long value = 0;
    for (int b = 0; b < SimHash.BITS; b++) {
      if (2 * counts[b] > features.size()) {
        value |= 1L << b;
      }
    }
    return value;
  }

  @Test
  void blocksCutAsSimhashIndexGetKeys() {
    int[] offsets = SimHash.blockOffsets(5);
    long fp = 0xddd451b508fb3630L;
    assertEquals(fp & 0x3FF, SimHash.block(fp, offsets, 0));
    assertEquals((fp >>> 10) & 0x3FF, SimHash.block(fp, offsets, 1));
    assertEquals(fp >>> 50, SimHash.block(fp, offsets, 5)); // the last block has 14 bits
    assertArrayEquals(new int[] {0}, SimHash.blockOffsets(0));
    assertArrayEquals(new int[] {0, 21, 42}, SimHash.blockOffsets(2));
  }
}
