package dev.corral.core.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The Python {@code str} behaviours that reference tools' outputs depend on (CCNet, KenLM's Python
 * module, the Gopher and C4 rules, RedPajama's scripts), defined once: {@code isspace}, {@code
 * split()} and {@code strip()} with Python's whitespace set, lengths counted in code points as
 * {@code len(str)} counts them, and the universal-newline line splitting of a file opened in text
 * mode. Java's {@code String.strip()}, {@link Character#isWhitespace} and {@code length()} differ
 * on exactly the texts Common Crawl is full of (no-break spaces, NEL, emoji, CJK extensions).
 */
public final class PythonStr {
  /**
   * A {@code java.util.regex} character class matching what {@code \s} matches in a Python {@code
   * str} pattern: exactly the {@link #isSpace} characters (Java's own {@code \s} is ASCII only).
   */
  public static final String SPACE_CLASS =
      "[\\t\\n\\x0B\\f\\r\\x1C-\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

  private PythonStr() {}

  /**
   * Whether {@code c} is whitespace for Python's {@code str.isspace()} (Unicode 14): the ASCII
   * controls TAB..CR and FS..US, space, NEL, NBSP, OGHAM SPACE MARK, U+2000..U+200A, LINE/PARAGRAPH
   * SEPARATOR, NNBSP, MMSP and IDEOGRAPHIC SPACE. All are in the BMP, so a {@code char} test
   * suffices.
   */
  public static boolean isSpace(char c) {
    if (c <= ' ') {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001C' && c <= '\u001F');
    }
    return c == '\u0085'
        || c == '\u00A0'
        || c == '\u1680'
        || (c >= '\u2000' && c <= '\u200A')
        || c == '\u2028'
        || c == '\u2029'
        || c == '\u202F'
        || c == '\u205F'
        || c == '\u3000';
  }

  /** Python's {@code s.split()}: the maximal runs of non-space characters, none empty. */
  public static String[] split(String s) {
    List<String> words = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSpace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        words.add(s.substring(start, i));
      }
    }
    return words.toArray(new String[0]);
  }

  /** Python's {@code s.strip()}: removes {@link #isSpace} characters at both ends. */
  public static String strip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(s.charAt(end - 1))) {
      end--;
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  /** Python's {@code s.rstrip()}: removes {@link #isSpace} characters at the end. */
  public static String rstrip(String s) {
    int end = s.length();
    while (end > 0 && isSpace(s.charAt(end - 1))) {
      end--;
    }
    return end == s.length() ? s : s.substring(0, end);
  }

  /** Python's {@code len(s)}: code points, not UTF-16 units. */
  public static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  /**
   * The lines a Python text-mode reader yields for {@code text} (universal newlines: {@code \r\n},
   * {@code \r} and {@code \n} end a line), without their line ends. A final line end does not start
   * an empty line.
   */
  public static List<String> universalLines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        lines.add(text.substring(start, i));
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < n) {
      lines.add(text.substring(start));
    }
    return lines;
  }

  /**
   * {@code text.split("\n")} as Python splits: every {@code \n} separates, empty lines and a final
   * empty one kept.
   */
  public static String[] splitNewlines(String text) {
    return text.split("\n", -1);
  }

  /**
   * Code points that are letters in Unicode 14.0 (Python 3.11's {@code unicodedata}) but not yet
   * assigned in Java 17's Unicode 13.0, as inclusive ranges; every other code point is classified
   * alike by both. Checked against Python 3.11 over all of Unicode.
   */
  private static final int[] UNICODE_14_LETTERS = {
    0x870, 0x887, 0x889, 0x88e, 0x8b5, 0x8b5, 0x8c8, 0x8c9, 0xc5d, 0xc5d, 0xcdd, 0xcdd, 0x170d,
    0x170d, 0x171f, 0x171f, 0x1b4c, 0x1b4c, 0x2c2f, 0x2c2f, 0x2c5f, 0x2c5f, 0x9ffd, 0x9fff, 0xa7c0,
    0xa7c1, 0xa7d0, 0xa7d1, 0xa7d3, 0xa7d3, 0xa7d5, 0xa7d9, 0xa7f2, 0xa7f4, 0x10570, 0x1057a,
    0x1057c, 0x1058a, 0x1058c, 0x10592, 0x10594, 0x10595, 0x10597, 0x105a1, 0x105a3, 0x105b1,
    0x105b3, 0x105b9, 0x105bb, 0x105bc, 0x10780, 0x10785, 0x10787, 0x107b0, 0x107b2, 0x107ba,
    0x10f70, 0x10f81, 0x11071, 0x11072, 0x11075, 0x11075, 0x11740, 0x11746, 0x11ab0, 0x11abf,
    0x12f90, 0x12ff0, 0x16a70, 0x16abe, 0x1aff0, 0x1aff3, 0x1aff5, 0x1affb, 0x1affd, 0x1affe,
    0x1b11f, 0x1b122, 0x1df00, 0x1df1e, 0x1e290, 0x1e2ad, 0x1e7e0, 0x1e7e6, 0x1e7e8, 0x1e7eb,
    0x1e7ed, 0x1e7ee, 0x1e7f0, 0x1e7fe, 0x2a6de, 0x2a6df, 0x2b735, 0x2b738
  };

  /** Decimal digits new in Unicode 14.0 (Tangsa), the only non-letters {@link #isAlnum} adds. */
  private static final int TANGSA_DIGIT_ZERO = 0x16ac0;

  private static final int TANGSA_DIGIT_NINE = 0x16ac9;

  /**
   * Python's {@code str.isalpha()} for one code point: general category Lu, Ll, Lt, Lm or Lo, as
   * Python 3.11 (Unicode 14.0) classifies it.
   */
  public static boolean isAlpha(int cp) {
    if (cp < 0x80) {
      return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    }
    return Character.isLetter(cp) || inUnicode14Letters(cp);
  }

  /**
   * Python's {@code str.isalnum()} for one code point: a letter or a number (categories L*, Nd, Nl,
   * No), as Python 3.11 (Unicode 14.0) classifies it.
   */
  public static boolean isAlnum(int cp) {
    if (cp < 0x80) {
      return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    }
    if (Character.isLetter(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER
        || inUnicode14Letters(cp)
        || (cp >= TANGSA_DIGIT_ZERO && cp <= TANGSA_DIGIT_NINE);
  }

  private static boolean inUnicode14Letters(int cp) {
    if (cp < UNICODE_14_LETTERS[0] || cp > UNICODE_14_LETTERS[UNICODE_14_LETTERS.length - 1]) {
      return false;
    }
    for (int i = 0; i < UNICODE_14_LETTERS.length; i += 2) {
      if (cp <= UNICODE_14_LETTERS[i + 1]) {
        return cp >= UNICODE_14_LETTERS[i];
      }
    }
    return false;
  }

  /**
   * Capitals new in Unicode 14.0 with their lower case as Python 3.11 maps them: {@code first,
   * last, offset} per run (Glagolitic, Latin Extended-D, Vithkuqi), the only lower-case mappings in
   * which Java 17 and Python 3.11 differ.
   */
  private static final int[] UNICODE_14_LOWER = {
    0x2c2f, 0x2c2f, 0x30, 0xa7c0, 0xa7c0, 1, 0xa7d0, 0xa7d0, 1, 0xa7d6, 0xa7d6, 1, 0xa7d8, 0xa7d8,
    1, 0x10570, 0x1057a, 0x27, 0x1057c, 0x1058a, 0x27, 0x1058c, 0x10592, 0x27, 0x10594, 0x10595,
    0x27
  };

  /**
   * Characters that Unicode's Case_Ignorable property takes from Word_Break (MidLetter, MidNumLet,
   * Single_Quote) rather than from a general category; Java has no accessor for that property.
   */
  private static final int[] WORD_BREAK_CASE_IGNORABLE = {
    0x27, 0x2e, 0x3a, 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027, 0xfe13, 0xfe52,
    0xfe55, 0xff07, 0xff0e, 0xff1a
  };

  private static final int CAPITAL_SIGMA = 0x3a3;
  private static final int SMALL_SIGMA = 0x3c3;
  private static final int FINAL_SIGMA = 0x3c2;
  private static final int CAPITAL_I_WITH_DOT = 0x130;
  private static final int COMBINING_DOT_ABOVE = 0x307;

  /**
   * Whether {@code cp} matches {@code \w} in a Python 3 {@code re} str pattern: {@link #isAlnum} or
   * the underscore. Java's {@code \w}, even with {@code UNICODE_CHARACTER_CLASS}, also takes
   * combining marks and connector punctuation, so it differs.
   */
  public static boolean isWordChar(int cp) {
    return cp == '_' || isAlnum(cp);
  }

  /**
   * Python's {@code s.lower()}: full lower-case mapping as Python 3.11 does it, including {@code
   * U+0130} to {@code i} + {@code U+0307} and Greek capital sigma to final {@code ς} where it ends
   * a word (Unicode's Final_Sigma context, as CPython tests it: a cased letter before it, skipping
   * case-ignorable characters, and none after it). Java's {@code String.toLowerCase} finds
   * Final_Sigma by word boundaries instead, which differs.
   */
  public static String lower(String s) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
        break;
      }
      i++;
    }
    if (i == n) {
      return s; // ASCII without capitals: nothing to map
    }
    char[] out = new char[n + 8];
    s.getChars(0, i, out, 0);
    int o = i;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (o + 2 >= out.length) {
        out = java.util.Arrays.copyOf(out, out.length + (out.length >> 1) + 8);
      }
      if (c < 0x80) {
        out[o++] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
      } else if (c == CAPITAL_SIGMA) {
        out[o++] = (char) (finalSigma(s, i) ? FINAL_SIGMA : SMALL_SIGMA);
      } else if (c == CAPITAL_I_WITH_DOT) {
        out[o++] = 'i';
        out[o++] = (char) COMBINING_DOT_ABOVE;
      } else if (!Character.isSurrogate(c)) {
        out[o++] = (char) lowerCodePoint(c); // a BMP character's lower case is in the BMP
      } else {
        int cp = s.codePointAt(i);
        o += Character.toChars(lowerCodePoint(cp), out, o);
        i += Character.charCount(cp) - 1;
      }
    }
    return new String(out, 0, o);
  }

  /**
   * The simple lower-case mapping of one code point as Python 3.11 has it (the full mapping differs
   * only for {@code U+0130}, see {@link #lower}).
   */
  public static int lowerCodePoint(int cp) {
    if (cp < 0x80) {
      return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    }
    int lower = Character.toLowerCase(cp);
    if (lower == cp && Character.getType(cp) == Character.UNASSIGNED) {
      for (int r = 0; r < UNICODE_14_LOWER.length; r += 3) {
        if (cp >= UNICODE_14_LOWER[r] && cp <= UNICODE_14_LOWER[r + 1]) {
          return cp + UNICODE_14_LOWER[r + 2];
        }
      }
    }
    return lower;
  }

  // CPython's handle_capital_sigma: \p{cased} \p{case-ignorable}* Σ !(\p{case-ignorable}*
  // \p{cased}).
  private static boolean finalSigma(String s, int at) {
    int j = at;
    int before = -1;
    while (j > 0) {
      int cp = s.codePointBefore(j);
      j -= Character.charCount(cp);
      if (!caseIgnorable(cp)) {
        before = cp;
        break;
      }
    }
    if (before < 0 || !cased(before)) {
      return false;
    }
    for (j = at + 1; j < s.length(); ) {
      int cp = s.codePointAt(j);
      j += Character.charCount(cp);
      if (!caseIgnorable(cp)) {
        return !cased(cp);
      }
    }
    return true;
  }

  /** Unicode's Cased property: Lu, Ll, Lt, Other_Lowercase or Other_Uppercase. */
  private static boolean cased(int cp) {
    return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
  }

  /** Unicode's Case_Ignorable property: Mn, Me, Cf, Lm, Sk, and a few Word_Break characters. */
  private static boolean caseIgnorable(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.FORMAT
        || type == Character.MODIFIER_LETTER
        || type == Character.MODIFIER_SYMBOL
        || java.util.Arrays.binarySearch(WORD_BREAK_CASE_IGNORABLE, cp) >= 0;
  }

  /**
   * Whether {@code c} ends a line for Python's {@code str.splitlines()}: {@code \n}, {@code \r}
   * (with {@code \r\n} one break), {@code \v}, {@code \f}, the separators FS, GS, RS, NEL, LINE
   * SEPARATOR and PARAGRAPH SEPARATOR.
   */
  public static boolean isLineBreak(char c) {
    return (c >= '\n' && c <= '\r')
        || (c >= '\u001C' && c <= '\u001E')
        || c == '\u0085'
        || c == '\u2028'
        || c == '\u2029';
  }

  /**
   * Python's {@code [len(l) for l in s.splitlines()]}: the length in code points of each line,
   * without its line break; a final break does not start an empty line.
   */
  public static int[] splitlinesLengths(String s) {
    int[] lengths = new int[16];
    int count = 0;
    int n = s.length();
    int lineStart = 0;
    int codePoints = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (isLineBreak(c)) {
        if (count == lengths.length) {
          lengths = java.util.Arrays.copyOf(lengths, count * 2);
        }
        lengths[count++] = codePoints;
        if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') {
          i++;
        }
        lineStart = i + 1;
        codePoints = 0;
      } else if (!Character.isLowSurrogate(c)
          || i == lineStart
          || !Character.isHighSurrogate(s.charAt(i - 1))) {
        codePoints++; // a surrogate pair is one code point; a lone surrogate counts as one
      }
    }
    if (lineStart < n) {
      if (count == lengths.length) {
        lengths = java.util.Arrays.copyOf(lengths, count + 1);
      }
      lengths[count++] = codePoints;
    }
    return java.util.Arrays.copyOf(lengths, count);
  }

  /** Python's {@code s.splitlines()}: the lines without their breaks (see {@link #isLineBreak}). */
  public static List<String> splitlines(String s) {
    List<String> lines = new ArrayList<>();
    int n = s.length();
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (isLineBreak(c)) {
        lines.add(s.substring(start, i));
        if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < n) {
      lines.add(s.substring(start));
    }
    return lines;
  }

  /**
   * Whether Python's {@code unicode-escape} codec writes {@code c} as a hexadecimal escape ({@code
   * \x7f}, {@code \xe9} for an e with acute accent, and the four- and eight-digit forms beyond
   * U+00FF): the controls other than TAB, LF and CR, DEL, and every character beyond ASCII. TAB,
   * LF, CR and the backslash get one-letter escapes and the other printable ASCII characters stay
   * as they are.
   */
  public static boolean unicodeEscapesAsHex(char c) {
    return c >= 0x7F || (c < 0x20 && c != '\t' && c != '\n' && c != '\r');
  }
}
