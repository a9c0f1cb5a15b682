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

  /** CCNet's {@code UNICODE_PUNCT} table, in its order: a mark's ASCII form, or null. */
  private static String punctuation(int cp) {
    return switch (cp) {
      case 0xFF0C -> ",";
      case 0x3002 -> ".";
      case 0x3001 -> ",";
      case 0x201E -> "\"";
      case 0x201D -> "\"";
      case 0x201C -> "\"";
      case 0x00AB -> "\"";
      case 0x00BB -> "\"";
      case 0xFF11 -> "\"";
      case 0x300D -> "\"";
      case 0x300C -> "\"";
      case 0x300A -> "\"";
      case 0x300B -> "\"";
      case 0x00B4 -> "'";
      case 0x2236 -> ":";
      case 0xFF1A -> ":";
      case 0xFF1F -> "?";
      case 0xFF01 -> "!";
      case 0xFF08 -> "(";
      case 0xFF09 -> ")";
      case 0xFF1B -> ";";
      case 0x2013 -> "-";
      case 0x2014 -> " - ";
      case 0xFF0E -> ". ";
      case 0xFF5E -> "~";
      case 0x2019 -> "'";
      case 0x2026 -> "...";
      case 0x2501 -> "-";
      case 0x3008 -> "<";
      case 0x3009 -> ">";
      case 0x3010 -> "[";
      case 0x3011 -> "]";
      case 0xFF05 -> "%";
      case 0x25BA -> "-";
      default -> null;
    };
  }
}
