package dev.corral.curation.lm;

import dev.corral.core.text.PythonStr;
import java.text.Normalizer;
import java.util.Locale;

/**
 * CCNet's {@code text_normalizer.normalize(line)} with its defaults (Wenzek et al. 2020, "CCNet:
 * Extracting High Quality Monolingual Datasets from Web Crawl Data", section 3.3; {@code
 * cc_net/text_normalizer.py}), the text that CCNet's SentencePiece and KenLM models were trained on
 * and score. In CCNet's order:
 *
 * <ol>
 *   <li>strip Python whitespace at both ends; an empty line stays empty;
 *   <li>lowercase (full Unicode case mapping, final sigma included);
 *   <li>strip accents: decompose (NFD) and drop every non-spacing mark (category Mn), without
 *       recomposing;
 *   <li>every decimal digit (category Nd, any script) becomes {@code 0};
 *   <li>CCNet's 34 Unicode punctuation marks become their ASCII forms ({@code “}→{@code "}, {@code
 *       —}→{@code " - "}, {@code …}→{@code ...}, fullwidth forms, ...); its {@code １}→{@code "}
 *       entry never fires, since step 4 has made it {@code 0};
 *   <li>control characters U+0000-U+001F and U+007F-U+009F are removed.
 * </ol>
 */
public final class CcnetNormalizer {
  private CcnetNormalizer() {}

  // CCNet's UNICODE_PUNCT table, as code point -> replacement.
  private static final String[][] PUNCT = {
    {"\uFF0C", ","},
    {"\u3002", "."},
    {"\u3001", ","},
    {"\u201E", "\""},
    {"\u201D", "\""},
    {"\u201C", "\""},
    {"\u00AB", "\""},
    {"\u00BB", "\""},
    {"\uFF11", "\""},
    {"\u300D", "\""},
    {"\u300C", "\""},
    {"\u300A", "\""},
    {"\u300B", "\""},
    {"\u00B4", "'"},
    {"\u2236", ":"},
    {"\uFF1A", ":"},
    {"\uFF1F", "?"},
    {"\uFF01", "!"},
    {"\uFF08", "("},
    {"\uFF09", ")"},
    {"\uFF1B", ";"},
    {"\u2013", "-"},
    {"\u2014", " - "},
    {"\uFF0E", ". "},
    {"\uFF5E", "~"},
    {"\u2019", "'"},
    {"\u2026", "..."},
    {"\u2501", "-"},
    {"\u3008", "<"},
    {"\u3009", ">"},
    {"\u3010", "["},
    {"\u3011", "]"},
    {"\uFF05", "%"},
    {"\u25BA", "-"},
  };

  /**
   * CCNet's {@code normalize(line)}: accents, case, numbers and punctuation, as described above.
   */
  public static String normalize(String line) {
    String s = PythonStr.strip(line);
    if (s.isEmpty()) {
      return s;
    }
    s = s.toLowerCase(Locale.ROOT);
    s = Normalizer.normalize(s, Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.NON_SPACING_MARK) {
        continue;
      }
      if (type == Character.DECIMAL_DIGIT_NUMBER) {
        out.append('0');
        continue;
      }
      String replacement = punctuation(cp);
      if (replacement != null) {
        out.append(replacement);
      } else if (cp > 31 && (cp < 127 || cp > 159)) {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  private static String punctuation(int cp) {
    if (cp < 0xAB) {
      return null; // every entry is at or above U+00AB; the common ASCII case skips the scan
    }
    for (String[] entry : PUNCT) {
      if (entry[0].charAt(0) == cp) {
        return entry[1];
      }
    }
    return null;
  }
}
