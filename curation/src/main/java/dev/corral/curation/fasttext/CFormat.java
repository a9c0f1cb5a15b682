package dev.corral.curation.fasttext;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers printed the way C++ streams print them by default ({@code %g}, six significant digits).
 */
final class CFormat {
  private CFormat() {}

  /**
   * C++'s {@code std::cout << f} for a float: the exact binary value rounded to 6 significant
   * digits.
   */
  static String g6(float f) {
    return g(f, 6);
  }

  /**
   * {@code %.Ng} of a float or double: the exact binary value rounded to {@code digits} significant
   * digits, zeros trimmed.
   */
  static String g(double f, int digits) {
    if (Double.isNaN(f)) {
      return "nan";
    }
    if (Double.isInfinite(f)) {
      return f > 0 ? "inf" : "-inf";
    }
    if (f == 0) {
      return (Double.doubleToRawLongBits(f) < 0) ? "-0" : "0";
    }
    BigDecimal v = new BigDecimal(f).round(new MathContext(digits, RoundingMode.HALF_EVEN));
    int exponent = v.precision() - v.scale() - 1;
    if (exponent < -4 || exponent >= digits) {
      BigDecimal mantissa = v.movePointLeft(exponent).stripTrailingZeros();
      String text = mantissa.toPlainString();
      int e = Math.abs(exponent);
      return text + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    return v.stripTrailingZeros().toPlainString();
  }
}
