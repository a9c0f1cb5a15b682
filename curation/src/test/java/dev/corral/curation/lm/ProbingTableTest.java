package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProbingTableTest {
  @Test
  void remainderEqualsTheDivisionsForAnyKeyAndBucketCount() {
    SplittableRandom random = new SplittableRandom(7);
    long[] divisors = {
      1,
      2,
      3,
      7,
      8,
      1 << 20,
      (1 << 20) + 1,
      102_158 * 3 / 2 + 1,
      4_294_967_291L,
      1L << 32,
      (1L << 32) + 15,
      1L << 40,
      (1L << 62) + 1,
      Long.MAX_VALUE - 1,
      Long.MAX_VALUE
    };
    long[] edgeKeys = {0, 1, -1L, Long.MIN_VALUE, Long.MAX_VALUE, -2L};
    for (long d : divisors) {
      long reciprocal = ProbingTable.reciprocal(d);
      for (long key : edgeKeys) {
        assertRemainder(key, d, reciprocal);
        assertRemainder(key - key % d, d, reciprocal); // a multiple (signed, close enough)
      }
      for (int i = 0; i < 100_000; i++) {
        long key = random.nextLong();
        assertRemainder(key, d, reciprocal);
        assertRemainder(
            Long.divideUnsigned(key, d) * d - 1, d, reciprocal); // just below a multiple
      }
    }
    for (int i = 0; i < 100_000; i++) {
      long d = 1 + random.nextLong(Long.MAX_VALUE - 1);
      d >>>= random.nextInt(63); // bucket counts of every size
      d = Math.max(d, 1);
      assertRemainder(random.nextLong(), d, ProbingTable.reciprocal(d));
    }
  }

  private static void assertRemainder(long key, long divisor, long reciprocal) {
    assertEquals(
        Long.remainderUnsigned(key, divisor),
        ProbingTable.remainder(key, divisor, reciprocal),
        () -> Long.toUnsignedString(key) + " mod " + divisor);
  }
}
