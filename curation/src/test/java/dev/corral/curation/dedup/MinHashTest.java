package dev.corral.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MinHashTest {
  @Test
  void normalizationIgnoresCasePunctuationDigitsAndSpacing() {
    assertEquals("hello world 0000 çà", Shingles.normalize("  Hello,   WORLD!\n 2024 «Çà»"));
    assertArrayEquals(
        Shingles.of("The cat sat on the mat today.", 5, false),
        Shingles.of("the CAT sat, on the   mat today", 5, false));
    assertNotEquals(
        Arrays.toString(Shingles.of("the cat sat on the mat today", 5, false)),
        Arrays.toString(Shingles.of("the cat sat on a mat today", 5, false)));
  }

  @Test
  void wordShinglesAreTheDistinctNgrams() {
    assertEquals(3, Shingles.of("a b c d e f g", 5, false).length);
    assertEquals(1, Shingles.of("a b c", 5, false).length); // fewer words than n: one shingle
    assertEquals(0, Shingles.of(" ,;: ", 5, false).length);
    assertEquals(
        1, Shingles.of("a b a b a b a b", 5, false).length - 1); // "a b a b a" and "b a b a b"
    // Word order matters inside a shingle; the same words in other n-grams differ.
    assertNotEquals(Shingles.of("a b c d e", 5, false)[0], Shingles.of("e d c b a", 5, false)[0]);
    long[] sorted = Shingles.of("one two three four five six seven eight nine ten", 3, false);
    assertArrayEquals(LongStream.of(sorted).sorted().distinct().toArray(), sorted);
  }

  @Test
  void charShinglesCoverTextWithoutSpaces() {
    assertEquals(4, Shingles.of("人人生而自由", 3, true).length);
    assertEquals(1, Shingles.of("人人生而自由", 3, false).length);
  }

  @Test
  void jaccardAndContainment() {
    long[] a = {1, 2, 3, 4};
    long[] b = {3, 4, 5, 6, 7, 8};
    assertEquals(2.0 / 8, Jaccard.similarity(a, b), 1e-12);
    assertEquals(0.5, Jaccard.containment(a, b), 1e-12);
    assertEquals(1.0 / 3, Jaccard.containment(b, a), 1e-12);
    assertEquals(1.0, Jaccard.similarity(new long[0], new long[0]));
  }

  @Test
  void mulModMatchesBigIntegerArithmetic() {
    SplittableRandom random = new SplittableRandom(7);
    BigInteger p = BigInteger.valueOf(MinHasher.PRIME);
    long[] edges = {0, 1, 2, MinHasher.PRIME - 1, MinHasher.PRIME - 2, 1L << 60};
    for (int i = 0; i < 200_000; i++) {
      long x = i < 36 ? edges[i % 6] : random.nextLong(MinHasher.PRIME);
      long y = i < 36 ? edges[i / 6] : random.nextLong(MinHasher.PRIME);
      long expected = BigInteger.valueOf(x).multiply(BigInteger.valueOf(y)).mod(p).longValueExact();
      assertEquals(expected, MinHasher.mulMod(x, y), x + " * " + y);
    }
    for (long h :
        new long[] {-1L, Long.MIN_VALUE, MinHasher.PRIME, MinHasher.PRIME + 1, 0, 12345}) {
      long expected = new BigInteger(Long.toUnsignedString(h)).mod(p).longValueExact();
      assertEquals(expected, MinHasher.reduce(h), Long.toUnsignedString(h));
    }
  }

  @Test
  void signaturesAreTheMinimaOfTheUniversalHashes() {
    MinHasher hasher = new MinHasher(64, 3);
    BigInteger p = BigInteger.valueOf(MinHasher.PRIME);
    SplittableRandom random = new SplittableRandom(9);
    for (int trial = 0; trial < 50; trial++) {
      long[] shingles = new long[1 + random.nextInt(40)];
      for (int j = 0; j < shingles.length; j++) {
        shingles[j] =
            j == 0 && trial % 5 == 0 ? -1L : random.nextLong(); // all 64 bits, read unsigned
      }
      long[] sig = hasher.signature(shingles);
      for (int i = 0; i < 64; i++) {
        BigInteger min = null;
        for (long h : shingles) {
          BigInteger v =
              BigInteger.valueOf(hasher.a(i))
                  .multiply(new BigInteger(Long.toUnsignedString(h)).mod(p))
                  .add(BigInteger.valueOf(hasher.b(i)))
                  .mod(p);
          min = min == null || v.compareTo(min) < 0 ? v : min;
        }
        assertEquals(min.longValueExact(), sig[i], "permutation " + i);
      }
    }
  }

  @Test
  void wordShinglesHashTheNormalizedWords() {
    // The one-pass word hashing sees the same words as normalize(): same shingles from either text.
    String[] texts = {
      "Ünïcode  ТЕКСТ, with 𝐁old 12 ３４ 'quotes' — dashes… and\ttabs\u00a0nbsp",
      "a-b c_d e.f",
      "😀 emoji 😀 emoji 😀",
      "",
      "   ",
      "single"
    };
    for (String t : texts) {
      assertArrayEquals(Shingles.of(Shingles.normalize(t), 2, false), Shingles.of(t, 2, false), t);
    }
  }

  @Test
  void signaturesAgreeAtTheJaccardRateAndAreReproducible() {
    long[] a = LongStream.range(0, 600).map(Shingles::mix).sorted().toArray();
    long[] b =
        LongStream.range(200, 800).map(Shingles::mix).sorted().toArray(); // Jaccard 400/800 = 0.5
    MinHasher hasher = new MinHasher(2048, 1);
    long[] sa = hasher.signature(a);
    long[] sb = hasher.signature(b);
    int equal = 0;
    for (int i = 0; i < sa.length; i++) {
      equal += sa[i] == sb[i] ? 1 : 0;
    }
    // 2048 Bernoulli(0.5) trials: the standard deviation is 0.011.
    assertEquals(0.5, equal / 2048.0, 0.045);
    assertArrayEquals(sa, new MinHasher(2048, 1).signature(a));
    assertNotEquals(sa[0], new MinHasher(2048, 2).signature(a)[0]);
    assertThrows(IllegalArgumentException.class, () -> new MinHasher(0, 1));
  }

  @Test
  void optimalBandsMinimizeTheWeightedErrorAreas() {
    LshBands bands = LshBands.optimal(0.8, 128, 0.5);
    assertEquals(
        new LshBands(9, 13), bands); // as datasketch's MinHashLSH(threshold=0.8, num_perm=128)
    // The S-curve is steep around the threshold: far below rarely, far above nearly always a
    // candidate.
    assertTrue(bands.candidateProbability(0.5) < 0.01, bands.toString());
    assertTrue(bands.candidateProbability(0.95) > 0.99, bands.toString());
    // Weighting false positives down (they are verified anyway) buys recall at the threshold
    // itself.
    LshBands recall = LshBands.optimal(0.8, 128, 0.05);
    assertTrue(recall.candidateProbability(0.8) > 0.9, recall.toString());
    assertTrue(bands.candidateProbability(0.8) < 0.5, bands.toString());
    // No other split of 128 values has a smaller error: checked by a finer integration than the
    // search's.
    double best = error(bands, 0.8);
    for (int b = 1; b <= 128; b++) {
      for (int r = 1; r * b <= 128; r++) {
        assertTrue(error(new LshBands(b, r), 0.8) >= best - 1e-4, b + "x" + r);
      }
    }
    // A lower threshold needs more, shorter bands.
    LshBands low = LshBands.optimal(0.5, 128, 0.5);
    assertTrue(low.rows() < bands.rows(), low + " vs " + bands);
  }

  private static double error(LshBands bands, double t) {
    int n = 20_000;
    double fp = 0;
    double fn = 0;
    for (int i = 0; i < n; i++) {
      double s = (i + 0.5) / n;
      double p = bands.candidateProbability(s);
      if (s < t) {
        fp += p / n;
      } else {
        fn += (1 - p) / n;
      }
    }
    return 0.5 * fp + 0.5 * fn;
  }

  @Test
  void bandKeysDependOnTheBandAndItsRowsOnly() {
    LshBands bands = new LshBands(4, 3);
    long[] s = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    long[] t = s.clone();
    t[11] = 99;
    assertEquals(bands.key(s, 0), bands.key(t, 0));
    assertNotEquals(bands.key(s, 3), bands.key(t, 3));
    long[] same = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
    assertNotEquals(bands.key(same, 0), bands.key(same, 1));
  }
}
