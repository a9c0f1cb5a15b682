package dev.corral.curation.sources.arxiv;

import dev.corral.core.text.PythonStr;
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

  // RedPajama's [^\\]%.+$ eats the character before the %, and leaves a % that ends a line.
  private static final Pattern INLINE_COMMENT_REDPAJAMA = Pattern.compile("[^\\\\]%.+$", LINES);
  private static final Pattern INLINE_COMMENT_PAPER =
      Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)%.*$", LINES);

  private static final String BIBLIOGRAPHY =
      "\\\\begin\\{references\\}|\\\\begin\\{REFERENCES\\}|\\\\begin\\{thebibliography\\}"
          + "|\\\\bibliography\\{.*\\}";
  private static final Pattern TAIL_REDPAJAMA =
      Pattern.compile(
          "(\\\\appendix|" + BIBLIOGRAPHY + ").*$", Pattern.DOTALL | Pattern.UNIX_LINES);
  private static final Pattern TAIL_PAPER =
      Pattern.compile("(" + BIBLIOGRAPHY + ").*$", Pattern.DOTALL | Pattern.UNIX_LINES);

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
    for (Pattern p : List.of(rules == Rules.PAPER ? NEW_OR_RENEWCOMMAND : NEWCOMMAND, DEF)) {
      Matcher m = p.matcher(file);
      while (m.find()) {
        macros.put(m.group(1), m.group(2));
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
    text =
        rules == Rules.PAPER
            ? INLINE_COMMENT_PAPER.matcher(text).replaceAll("$1")
            : INLINE_COMMENT_REDPAJAMA.matcher(text).replaceAll("");
    Matcher tail = (rules == Rules.PAPER ? TAIL_PAPER : TAIL_REDPAJAMA).matcher(text);
    if (tail.find()) {
      text = text.substring(0, tail.start());
    }
    for (Map.Entry<String, String> macro : macros.entrySet()) {
      text = expand(text, macro.getKey(), macro.getValue());
    }
    return text;
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
