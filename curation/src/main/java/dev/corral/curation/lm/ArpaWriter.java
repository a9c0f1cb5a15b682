package dev.corral.curation.lm;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Writes an estimated model as an ARPA file laid out as KenLM's {@code lmplz} lays it out: {@code
 * \data\}, {@code ngram k=count}, then per order {@code log10prob<TAB>words<TAB>log10backoff} (no
 * back-off at the highest order), each section followed by a blank line, then {@code \end\}.
 * Numbers are printed as lmplz prints them (double-conversion's shortest single-precision form: the
 * fewest digits that read back as the same float, plain decimals from 1e-6 up to 1e21, no trailing
 * {@code .0}), so equal floats print equal. N-grams are in {@link NgramCounts}'s order (by word id,
 * first word first), not lmplz's.
 */
final class ArpaWriter {
  private ArpaWriter() {}

  static void write(NgramCounts counts, KneserNey.Estimate estimate, Writer out)
      throws IOException {
    int order = counts.order();
    out.write("\\data\\\n");
    for (int k = 1; k <= order; k++) {
      out.write("ngram " + k + "=" + counts.size(k) + "\n");
    }
    out.write("\n");
    StringBuilder line = new StringBuilder();
    for (int k = 1; k <= order; k++) {
      out.write("\\" + k + "-grams:\n");
      int[] w = counts.words[k - 1];
      float[] p = estimate.log10Prob()[k - 1];
      float[] b = estimate.log10Backoff()[k - 1];
      for (int i = 0; i < p.length; i++) {
        line.setLength(0);
        line.append(shortest(p[i])).append('\t');
        for (int j = 0; j < k; j++) {
          line.append(j > 0 ? " " : "").append(counts.vocabulary[w[i * k + j]]);
        }
        if (k < order) {
          line.append('\t').append(shortest(b[i]));
        }
        out.append(line).append('\n');
      }
      out.write("\n");
    }
    out.write("\\end\\\n");
  }

  /**
   * double-conversion's {@code ToShortestSingle} with KenLM's settings (exponent form below 1e-6,
   * from 1e21).
   */
  static String shortest(float f) {
    if (f == 0f) {
      return (Float.floatToRawIntBits(f) < 0) ? "-0" : "0";
    }
    if (Float.isNaN(f) || Float.isInfinite(f)) {
      return Float.isNaN(f) ? "NaN" : f > 0 ? "inf" : "-inf";
    }
    BigDecimal exact = new BigDecimal(f);
    BigDecimal digits = exact;
    for (int precision = 1; precision <= 9; precision++) {
      BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (Float.parseFloat(rounded.toString()) == f) {
        digits = rounded;
        break;
      }
    }
    digits = digits.stripTrailingZeros();
    String d = digits.unscaledValue().abs().toString();
    int point = d.length() - digits.scale(); // digits d[0..] * 10^(point - len)
    StringBuilder sb = new StringBuilder(f < 0 ? "-" : "");
    int exponent = point - 1;
    if (exponent >= -6 && exponent < 21) {
      if (point <= 0) {
        sb.append("0.").append("0".repeat(-point)).append(d);
      } else if (point >= d.length()) {
        sb.append(d).append("0".repeat(point - d.length()));
      } else {
        sb.append(d, 0, point).append('.').append(d, point, d.length());
      }
    } else {
      sb.append(d.charAt(0));
      if (d.length() > 1) {
        sb.append('.').append(d, 1, d.length());
      }
      sb.append('e').append(exponent);
    }
    return sb.toString();
  }
}
