package dev.corral.curation.lm;

import dev.corral.core.Errors;

/**
 * One of the linear-probing hash tables of a KenLM binary (see {@link KenlmProbingModel}): {@code
 * buckets} entries of {@code entry} bytes from byte {@code offset} of the model's bytes, each
 * starting with its 64-bit key, 0 in an empty bucket; {@link KenlmBinary} has checked that the
 * table lies within the file. A key's first bucket is the key modulo the bucket count, as KenLM
 * places it; the remainder is taken by a multiplication with the count's precomputed reciprocal, as
 * a 64-bit division takes tens of cycles and a word's score needs several lookups.
 */
final class ProbingTable {
  private final ModelBytes bytes;
  private final String source;
  private final long offset;
  private final long buckets;
  private final int entry;
  private final long reciprocal;

  ProbingTable(ModelBytes bytes, String source, long offset, long buckets, int entry) {
    this.bytes = bytes;
    this.source = source;
    this.offset = offset;
    this.buckets = buckets;
    this.entry = entry;
    this.reciprocal = reciprocal(buckets);
  }

  /** The offset of the entry holding {@code key}, or -1 when the table does not hold it. */
  long find(long key) {
    long slot = remainder(key, buckets, reciprocal);
    for (long probes = 0; probes < buckets; probes++) {
      long at = offset + slot * entry;
      long got = bytes.getLong(at);
      if (got == key) {
        return at;
      }
      if (got == 0) {
        return -1;
      }
      if (++slot == buckets) {
        slot = 0;
      }
    }
    // KenLM always leaves an empty bucket; a table without one was not written by build_binary.
    throw Errors.badKenlmBinary(
        source, "the hash table at byte " + offset + " has no empty bucket");
  }

  /** {@code floor((2^64 - 1) / divisor)}, for {@link #remainder}; {@code 1 <= divisor < 2^63}. */
  static long reciprocal(long divisor) {
    return Long.divideUnsigned(-1L, divisor);
  }

  /**
   * {@code Long.remainderUnsigned(key, divisor)} without a division (Barrett): the high half of
   * {@code key * reciprocal} is the quotient or one less, since {@code reciprocal * divisor} falls
   * short of 2^64 by at most {@code divisor}; one subtraction corrects it.
   */
  static long remainder(long key, long divisor, long reciprocal) {
    long quotient = unsignedMultiplyHigh(key, reciprocal);
    long r = key - quotient * divisor;
    return Long.compareUnsigned(r, divisor) >= 0 ? r - divisor : r;
  }

  // Math.unsignedMultiplyHigh arrived in Java 18: the signed high half, corrected for operands
  // whose top bit is set.
  private static long unsignedMultiplyHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }
}
