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
