package dev.corral.curation.sources.github;

import java.util.regex.Pattern;

/**
 * Removes a file's licence header, the "boilerplate, such as headers" that LLaMA removed "with
 * regular expressions" (Touvron et al. 2023, section 2.1), by RedPajama v1's rule ({@code
 * rp_v1:data_prep/github/github_clean_dedup_local.py}, {@code clean_copyright_comments}):
 *
 * <ul>
 *   <li>a C-style block comment {@code /* ... *}{@code /} that contains "copyright" (any case) is
 *       cut out of the file;
 *   <li>a file without block comments loses its leading lines that start with {@code //}, {@code #}
 *       or {@code --}, or are empty.
 * </ul>
 *
 * <p>{@link #redPajama} reproduces RedPajama's quirks: only the first block comment of the file is
 * looked at and, when there is one, the line rule never runs (a file whose first block is not a
 * notice keeps its header); the line rule also strips {@code #include} lines, shebangs and encoding
 * declarations. {@link #paper} fixes them: the first block comment that is a notice is cut,
 * wherever it is; without one the line rule runs, and it keeps shebangs and encoding declarations
 * in place (they may precede a header) and stops at a preprocessor directive such as {@code
 * #include}, which is code.
 */
public final class HeaderCleaner {
  private static final Pattern COPYRIGHT =
      Pattern.compile("copyright", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  /** PEP 263's encoding declaration, as a comment line that only states it. */
  private static final Pattern ENCODING =
      Pattern.compile("#.*?coding[:=][ \\t]*[-_.a-zA-Z0-9]+", Pattern.DOTALL);

  /** C/C++/Objective-C preprocessor directives: code, never a comment. */
  private static final Pattern DIRECTIVE =
      Pattern.compile(
          "#[ \\t]*(include|import|define|undef|ifdef|ifndef|if|elif|else|endif|pragma|error"
              + "|warning|line)(?![0-9A-Za-z_])");

  private HeaderCleaner() {}

  /** The content as RedPajama v1 cleans it, quirks included. */
  public static String redPajama(String content) {
    int[] block = nextBlockComment(content, 0);
    if (block != null) {
      return isNotice(content, block)
          ? content.substring(0, block[0]) + content.substring(block[1])
          : content;
    }
    // "\n".join(lines[skip:]) of content.split("\n"): the content from the first line kept on.
    int start = 0;
    while (start <= content.length()) {
      int end = lineEnd(content, start);
      if (!isHeaderLine(content, start, end)) {
        return start == 0 ? content : content.substring(start);
      }
      start = end + 1;
    }
    return ""; // every line was a header line
  }

  /** The content as the paper describes it, RedPajama's quirks fixed (see the class doc). */
  public static String paper(String content) {
    for (int[] block = nextBlockComment(content, 0);
        block != null;
        block = nextBlockComment(content, block[1])) {
      if (isNotice(content, block)) {
        return content.substring(0, block[0]) + content.substring(block[1]);
      }
    }
    StringBuilder kept = null; // the shebang and encoding lines among the header, each with its \n
    boolean stripped = false;
    int start = 0;
    while (start <= content.length()) {
      int end = lineEnd(content, start);
      if (content.startsWith("#!", start)
          || ENCODING.matcher(content).region(start, end).lookingAt()) {
        kept = (kept == null ? new StringBuilder() : kept).append(content, start, end).append('\n');
      } else if (isHeaderLine(content, start, end)
          && !DIRECTIVE.matcher(content).region(start, end).lookingAt()) {
        stripped = true;
      } else {
        break;
      }
      start = end + 1;
    }
    if (!stripped) {
      return content;
    }
    if (start > content.length()) { // only header lines: the kept ones, joined by \n
      return kept == null ? "" : kept.substring(0, kept.length() - 1);
    }
    return kept == null
        ? content.substring(start)
        : kept.append(content, start, content.length()).toString();
  }

  /** The index of the {@code \n} ending the line at {@code start}, or the content's length. */
  private static int lineEnd(String content, int start) {
    int end = content.indexOf('\n', start);
    return end < 0 ? content.length() : end;
  }

  private static boolean isHeaderLine(String content, int start, int end) {
    return start == end
        || content.startsWith("//", start)
        || content.startsWith("#", start)
        || content.startsWith("--", start);
  }

  private static boolean isNotice(String content, int[] block) {
    return COPYRIGHT.matcher(content).region(block[0], block[1]).find();
  }

  /**
   * The span {@code [start, end)} of the first block comment at or after {@code from}, as
   * RedPajama's {@code /\*[^*]*\*+(?:[^/*][^*]*\*+)*}{@code /} finds it: an opening {@code /*} and
   * the first {@code *}{@code /} after it (not sharing its star); null when there is none. Scanned
   * by hand: {@code java.util.regex} recurses once per star run and overflows the stack on long
   * comments.
   */
  static int[] nextBlockComment(String content, int from) {
    int start = content.indexOf("/*", from);
    if (start < 0) {
      return null;
    }
    int end = content.indexOf("*/", start + 2);
    return end < 0 ? null : new int[] {start, end + 2};
  }
}
