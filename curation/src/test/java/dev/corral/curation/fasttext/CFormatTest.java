package dev.corral.curation.fasttext;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Probabilities print as C++ streams print floats: %g with six significant digits. */
class CFormatTest {
  @Test
  void sixSignificantDigitsWithoutTrailingZeros() {
    assertEquals("0.37607", CFormat.g6(0.37607f));
    assertEquals("0.0383872", CFormat.g6(0.0383872f));
    assertEquals("1.00001", CFormat.g6(1.00001f));
    assertEquals("0.5", CFormat.g6(0.5f));
    assertEquals("1", CFormat.g6(1f));
    assertEquals("0", CFormat.g6(0f));
    assertEquals("123457", CFormat.g6(123456.7f));
  }

  @Test
  void scientificBelowOneTenThousandthAndFromAMillion() {
    assertEquals("1e-05", CFormat.g6(1e-5f));
    assertEquals("1.00136e-05", CFormat.g6(1.00136e-5f));
    assertEquals("0.0001", CFormat.g6(1e-4f));
    assertEquals("1e+06", CFormat.g6(1e6f));
    assertEquals("3.40282e+38", CFormat.g6(Float.MAX_VALUE));
  }

  @Test
  void roundsTheExactBinaryValue() {
    // 0.1240035f is 0.12400349974...: rounding its decimal spelling would give 0.124004, printf
    // gives 0.124003.
    assertEquals("0.124003", CFormat.g6(0.1240035f));
  }
}
