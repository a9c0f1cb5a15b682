package dev.corral.curation.sources.arxiv;

import dev.corral.core.text.PythonStr;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A paper's LaTeX files to one training text, as LLaMA (Touvron et al. 2023, section 2.1) describes
 * it and RedPajama v1 implemented it ({@code rp_v1:data_prep/arxiv/arxiv_cleaner.py}, {@code
 * clean_tex_files}), in RedPajama's order:
 *
 * <ol>
 *   <li>the argument-free macros of every raw file are collected ({@code \newcommand{\x}{v}} and
 *       {@code \def\x{v}} ending their line), later files overriding earlier ones;
 *   <li>each file loses everything before its first section-like header, and a file without one
 *       becomes empty;
 *   <li>full-line comments go, then inline comments;
 *   <li>everything from the bibliography (and, with {@link Rules#REDPAJAMA}, the appendix) to the
 *       end of the file goes;
 *   <li>each macro is expanded where its name is followed by a character other than a letter or a
 *       digit, in the order the macros were first defined;
 *   <li>the files are joined with {@code \n}.
 * </ol>
 *
 * <p>Patterns keep Python's {@code re} semantics: only {@code \n} ends a line ({@link
 * Pattern#UNIX_LINES}), {@code \s} is Python's Unicode whitespace, and every match is taken
 * leftmost-first as {@code re} takes it. Spark-free; {@link LatexCleaner} is the stage.
 */
public final class TexCleaner {
  /** Drop reason: the paper has no {@code .tex} file. */
  public static final String NO_TEX_FILES = "no_tex_files";

  /** Drop reason: nothing is left after cleaning (with {@link Rules#PAPER}: only whitespace). */
  public static final String EMPTY_TEXT = "empty_text";

  /**
   * Drop reason, {@link Rules#REDPAJAMA} only: a macro value holds a character that Python's {@code
   * unicode-escape} writes as a hexadecimal escape ({@code \xe9}), which {@code re.sub} then
   * refuses as a replacement ("bad escape"), so RedPajama dropped the whole paper.
   */
  public static final String MACRO_ESCAPE_ERROR = "macro_escape_error";

  /** Which rules clean: the paper's (RedPajama's with its bugs fixed) or RedPajama v1's exactly. */
  public enum Rules {
    /**
     * RedPajama's rules with its bugs fixed: a {@code %} starts a comment unless escaped by an odd
     * number of backslashes, and the comment goes from the {@code %} (the character before it
     * stays, a {@code %} ending a line goes too); {@code \paragraph} and {@code \subparagraph} are
     * section headers; only the bibliography is cut (the paper says nothing of appendices); macro
     * values are expanded whatever characters they hold; {@code \renewcommand} defines like {@code
     * \newcommand}; a text of whitespace only is dropped.
     */
    PAPER,
    /** RedPajama v1 byte for byte, its quirks included. */
    REDPAJAMA;

    /** {@code paper} or {@code redpajama}, as params and flags spell them. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The rules {@link #label} names, or null. */
    public static Rules ofLabel(String label) {
      for (Rules r : values()) {
        if (r.label().equals(label)) {
          return r;
        }
      }
      return null;
    }
  }

  /**
   * A cleaned paper.
   *
   * @param text the training text (what the rules leave, even when dropped)
   * @param dropReason null when the paper is kept, else {@link #NO_TEX_FILES}, {@link
   *     #MACRO_ESCAPE_ERROR} or {@link #EMPTY_TEXT}
   */
  public record Cleaned(String text, String dropReason) {}

  private static final int LINES = Pattern.UNIX_LINES | Pattern.MULTILINE;

  // RedPajama's `\\\bnewcommand\b\*?...`: both \b are implied by the characters around them.
  private static final Pattern NEWCOMMAND =
      Pattern.compile("\\\\newcommand\\*?\\{(\\\\[a-zA-Z0-9]+?)\\}\\{(.*?)\\}$", LINES);
  private static final Pattern NEW_OR_RENEWCOMMAND =
      Pattern.compile("\\\\(?:re)?newcommand\\*?\\{(\\\\[a-zA-Z0-9]+?)\\}\\{(.*?)\\}$", LINES);
  private static final Pattern DEF =
      Pattern.compile(
          "\\\\def"
              + PythonStr.SPACE_CLASS
              + "*(\\\\[a-zA-Z0-9]+?)"
              + PythonStr.SPACE_CLASS
              + "*\\{(.*?)\\}$",
          LINES);

  private static final Pattern SECTION_REDPAJAMA =
      Pattern.compile(
          String.join(
              "|",
              header("chapter"),
              header("part"),
              header("section"),
              header("subsection"),
              header("subsubsection"),
              // RedPajama lacks the '|' here: \paragraph counts only right before a \subparagraph.
              header("paragraph") + header("subparagraph")),
          Pattern.DOTALL);
  private static final Pattern SECTION_PAPER =
      Pattern.compile(
          String.join(
              "|",
              header("chapter"),
              header("part"),
              header("section"),
              header("subsection"),
              header("subsubsection"),
              header("paragraph"),
              header("subparagraph")),
          Pattern.DOTALL);

  // The tail's markers; RedPajama's pattern is (\\appendix|<these>|\\bibliography\{.*\}).*$ with
  // DOTALL.
  private static final String[] BIBLIOGRAPHY = {
    "\\begin{references}", "\\begin{REFERENCES}", "\\begin{thebibliography}"
  };
  private static final String BIBLIOGRAPHY_COMMAND = "\\bibliography{";
  private static final String APPENDIX = "\\appendix";

  private TexCleaner() {}

  /**
   * One alternative of the section pattern: {@code \kw}, optional {@code *}, {@code [..]}, {@code
   * {..}}.
   */
  private static String header(String keyword) {
    return "\\\\" + keyword + "\\*?(?:\\[(?:.*?)\\])?\\{(?:.*?)\\}";
  }

  /** Cleans the files of one paper, in archive order. */
  public static Cleaned clean(List<String> files, Rules rules) {
    if (files.isEmpty()) {
      return new Cleaned("", NO_TEX_FILES);
    }
    Map<String, String> macros = new LinkedHashMap<>();
    for (String file : files) {
      collectMacros(file, rules, macros);
    }
    boolean escapeError = false;
    if (rules == Rules.REDPAJAMA) {
      for (String value : macros.values()) {
        escapeError |= hasHexEscape(value);
      }
    }
    StringBuilder text = new StringBuilder();
    boolean anySection = false;
    for (int i = 0; i < files.size(); i++) {
      if (i > 0) {
        text.append('\n');
      }
      String cleaned = cleanFile(files.get(i), rules, macros);
      if (cleaned != null) {
        anySection = true;
        text.append(cleaned);
      }
    }
    String result = text.toString();
    // Python compiles each replacement before matching, so one bad value fails every file that
    // reaches the expansion, i.e. every file with a section.
    if (escapeError && anySection) {
      return new Cleaned(result, MACRO_ESCAPE_ERROR);
    }
    boolean empty = rules == Rules.REDPAJAMA ? result.isEmpty() : PythonStr.strip(result).isEmpty();
    return new Cleaned(result, empty ? EMPTY_TEXT : null);
  }

  /**
   * Adds the argument-free macros {@code file} defines to {@code macros}: {@code \newcommand}s
   * (and, with {@link Rules#PAPER}, {@code \renewcommand}s) first, then {@code \def}s, each in file
   * order; a name defined again keeps its first position and takes the new value.
   */
  static void collectMacros(String file, Rules rules, Map<String, String> macros) {
    collect(file, rules == Rules.PAPER ? NEW_OR_RENEWCOMMAND : NEWCOMMAND, "newcommand", macros);
    collect(file, DEF, "\\def", macros);
  }

  /**
   * Every match of {@code pattern} in {@code file} as {@code find()} gives them, tried only where
   * {@code keyword} occurs (at its backslash, or that of {@code \\re} before it): finding a keyword
   * is a vector scan, while {@code find()} tries the pattern at every character.
   */
  private static void collect(
      String file, Pattern pattern, String keyword, Map<String, String> macros) {
    Matcher m = pattern.matcher(file);
    int n = file.length();
    int from = 0;
    for (int k = file.indexOf(keyword); k >= 0; k = file.indexOf(keyword, k + 1)) {
      for (int start : new int[] {k - 3, k - 1, k}) {
        if (start >= from && file.charAt(start) == '\\' && m.region(start, n).lookingAt()) {
          macros.put(m.group(1), m.group(2));
          from = m.end();
          break;
        }
      }
    }
  }

  /** One file cleaned, or null when it has no section header (it then contributes ""). */
  static String cleanFile(String file, Rules rules, Map<String, String> macros) {
    Matcher section = (rules == Rules.PAPER ? SECTION_PAPER : SECTION_REDPAJAMA).matcher(file);
    if (!section.find()) {
      return null;
    }
    String text = file.substring(section.start());
    text = removeFullLineComments(text);
    text = rules == Rules.PAPER ? removeInlineComments(text) : removeInlineCommentsRedPajama(text);
    int tail = tailStart(text, rules);
    if (tail >= 0) {
      text = text.substring(0, tail);
    }
    return expandAll(text, macros);
  }

  /**
   * Every macro expanded as RedPajama does it, one {@link #expand} pass per macro in table order;
   * in one pass over the text when that gives the same result (see {@link #expandInOnePass}).
   */
  static String expandAll(String text, Map<String, String> macros) {
    if (macros.isEmpty()) {
      return text;
    }
    String once = expandInOnePass(text, macros);
    if (once != null) {
      return once;
    }
    for (Map.Entry<String, String> macro : macros.entrySet()) {
      text = expand(text, macro.getKey(), macro.getValue());
    }
    return text;
  }

  /**
   * Whether no macro value holds the name of a macro expanded after it (a later pass would expand
   * it inside the value; one pass does not). A name is a backslash and ASCII letters and digits,
   * expanded only where no letter or digit follows, so the candidates in a value are its maximal
   * such runs (one ending the value is followed by the kept non-alphanumeric character).
   */
  private static boolean valuesHoldNoLaterName(Map<String, String> macros) {
    Map<String, Integer> order = new HashMap<>();
    for (String name : macros.keySet()) {
      order.put(name, order.size());
    }
    int i = 0;
    for (String value : macros.values()) {
      for (int at = value.indexOf('\\'); at >= 0; at = value.indexOf('\\', at + 1)) {
        int end = nameEnd(value, at);
        Integer j = end > at + 1 ? order.get(value.substring(at, end)) : null;
        if (j != null && j > i) {
          return false;
        }
      }
      i++;
    }
    return true;
  }

  /** The end of the run of ASCII letters and digits after the backslash at {@code at}. */
  private static int nameEnd(String text, int at) {
    int end = at + 1;
    while (end < text.length() && isAsciiAlnum(text.charAt(end))) {
      end++;
    }
    return end;
  }

  /**
   * The passes of {@link #expand}, one per macro, done in one left-to-right pass: each occurrence
   * of a name followed by a character that is not a letter or digit becomes its value, and of two
   * adjacent occurrences of one name the second stays (its pass consumed the backslash). Null where
   * the passes' order could matter, for {@link #expandAll} to run them one by one: a value starting
   * with a letter or digit put after a backslash, letter or digit (it could make a new name), or an
   * occurrence right after an occurrence of a name expanded before it whose value starts with a
   * letter or digit (the earlier pass leaves the first name followed by one).
   */
  static String expandInOnePass(String text, Map<String, String> macros) {
    if (!valuesHoldNoLaterName(macros)) {
      return null;
    }
    int n = text.length();
    StringBuilder out = null;
    int copied = 0;
    String previous = null; // the name expanded last, and where its consumed character is
    int consumedAt = -1;
    for (int at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', at + 1)) {
      int end = nameEnd(text, at);
      if (end == at + 1 || end >= n) {
        continue;
      }
      String name = text.substring(at, end);
      String value = macros.get(name);
      if (value == null) {
        continue;
      }
      if (at == consumedAt && name.equals(previous)) {
        continue;
      }
      boolean startsAlnum = !value.isEmpty() && isAsciiAlnum(value.charAt(0));
      if (startsAlnum
          && at > 0
          && (text.charAt(at - 1) == '\\' || isAsciiAlnum(text.charAt(at - 1)))) {
        return null;
      }
      if (text.charAt(end) == '\\') {
        // The name right after is expanded by an earlier pass: this one then sees its value's
        // first character (or, for an empty value, what follows it) instead of a backslash.
        int nextEnd = nameEnd(text, end);
        String next = nextEnd > end + 1 && nextEnd < n ? text.substring(end, nextEnd) : null;
        String nextValue = next == null ? null : macros.get(next);
        if (nextValue != null
            && (nextValue.isEmpty() || isAsciiAlnum(nextValue.charAt(0)))
            && before(macros, next, name)) {
          return null;
        }
      }
      if (out == null) {
        out = new StringBuilder(n + 256);
      }
      out.append(text, copied, at).append(value);
      copied = end;
      previous = name;
      consumedAt = end;
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  /** Whether macro {@code a} comes before macro {@code b} in the table (a differs from b). */
  private static boolean before(Map<String, String> macros, String a, String b) {
    if (a.equals(b)) {
      return false;
    }
    for (String name : macros.keySet()) {
      if (name.equals(a)) {
        return true;
      }
      if (name.equals(b)) {
        return false;
      }
    }
    return false;
  }

  /**
   * Python's {@code re.sub(r"(?m)^%.*\n?", "", text)}: lines starting with {@code %}, with their
   * end.
   */
  static String removeFullLineComments(String text) {
    int n = text.length();
    StringBuilder out = null;
    int copied = 0;
    int line = 0;
    while (line < n) {
      int end = text.indexOf('\n', line);
      int next = end < 0 ? n : end + 1;
      if (text.charAt(line) == '%') {
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, copied, line);
        copied = next;
      }
      line = next;
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  /**
   * RedPajama's {@code re.sub(r"[^\\]%.+$", "", text, flags=re.MULTILINE)}, scanned by hand (a
   * regex tries the class at every character): a {@code %} not after a backslash and not ending its
   * line goes with the character before it (a newline too) and the rest of its line.
   */
  static String removeInlineCommentsRedPajama(String text) {
    int n = text.length();
    StringBuilder out = null;
    int copied = 0;
    int from = 0; // where the regex would resume: a match starts at from or later
    for (int p = text.indexOf('%', from + 1);
        p >= 0;
        p = text.indexOf('%', Math.max(p, from) + 1)) {
      if (p - 1 < from || text.charAt(p - 1) == '\\' || p + 1 >= n || text.charAt(p + 1) == '\n') {
        continue;
      }
      int eol = text.indexOf('\n', p + 1);
      eol = eol < 0 ? n : eol;
      // The class takes a code point: the whole surrogate pair before the %.
      int start = p - 1;
      if (Character.isLowSurrogate(text.charAt(start))
          && start - 1 >= from
          && Character.isHighSurrogate(text.charAt(start - 1))) {
        start--;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(text, copied, start);
      copied = eol;
      from = eol;
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  /**
   * The paper's fix of the rule above, {@code (?<!\\)((?:\\\\)*)%.*$} replaced by its group: a
   * {@code %} after an even number of backslashes starts a comment that runs to the end of its
   * line; the character before it stays.
   */
  static String removeInlineComments(String text) {
    int n = text.length();
    StringBuilder out = null;
    int copied = 0;
    for (int p = text.indexOf('%'); p >= 0; p = text.indexOf('%', p + 1)) {
      int run = p;
      while (run > copied && text.charAt(run - 1) == '\\') {
        run--;
      }
      if ((p - run) % 2 != 0) {
        continue;
      }
      int eol = text.indexOf('\n', p);
      eol = eol < 0 ? n : eol;
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(text, copied, p);
      copied = eol;
      p = eol;
      if (p >= n) {
        break;
      }
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  /**
   * Where RedPajama's {@code (\\appendix|\\begin\{references\}|\\begin\{REFERENCES\}|
   * \\begin\{thebibliography\}|\\bibliography\{.*\}).*$} (DOTALL) first matches, or -1; the paper's
   * rules leave {@code \\appendix} out. With DOTALL, {@code \\bibliography\{} needs a {@code \}}
   * anywhere after it.
   */
  static int tailStart(String text, Rules rules) {
    int lastBrace = text.lastIndexOf('}');
    for (int at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', at + 1)) {
      if (rules == Rules.REDPAJAMA && text.startsWith(APPENDIX, at)) {
        return at;
      }
      for (String marker : BIBLIOGRAPHY) {
        if (text.startsWith(marker, at)) {
          return at;
        }
      }
      if (text.startsWith(BIBLIOGRAPHY_COMMAND, at)
          && lastBrace >= at + BIBLIOGRAPHY_COMMAND.length()) {
        return at;
      }
    }
    return -1;
  }

  /**
   * Python's {@code re.sub("(" + name + ")([^a-zA-Z0-9])", value + r"\2", text)} with the value
   * taken literally: left to right, each occurrence of {@code name} followed by a character that is
   * not an ASCII letter or digit; that character is consumed, so of {@code \x\x} only the first is
   * expanded, and a name ending the text is not.
   */
  static String expand(String text, String name, String value) {
    int at = text.indexOf(name);
    if (at < 0) {
      return text;
    }
    StringBuilder out = null;
    int copied = 0;
    int len = name.length();
    int n = text.length();
    while (at >= 0) {
      int after = at + len;
      if (after < n && !isAsciiAlnum(text.charAt(after))) {
        if (out == null) {
          out = new StringBuilder(n + Math.max(0, value.length() - len) * 4);
        }
        out.append(text, copied, at).append(value);
        // The following character is kept, and searching resumes past it.
        int resume = Character.isHighSurrogate(text.charAt(after)) ? after + 2 : after + 1;
        out.append(text, after, Math.min(resume, n));
        copied = Math.min(resume, n);
        at = text.indexOf(name, copied);
      } else {
        at = text.indexOf(name, at + 1);
      }
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Whether Python would write a character of {@code value} as a hexadecimal escape. */
  static boolean hasHexEscape(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (PythonStr.unicodeEscapesAsHex(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
