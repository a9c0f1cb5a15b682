package dev.corral.curation.sources.github;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    String[] lines = content.split("\n", -1);
    int skip = 0;
    while (skip < lines.length && isHeaderLine(lines[skip])) {
      skip++;
    }
    return skip == 0 ? content : String.join("\n", Arrays.copyOfRange(lines, skip, lines.length));
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
    String[] lines = content.split("\n", -1);
    List<String> kept = new ArrayList<>();
    int code = 0;
    boolean stripped = false;
    for (; code < lines.length; code++) {
      String line = lines[code];
      if (line.startsWith("#!") || ENCODING.matcher(line).lookingAt()) {
        kept.add(line); // kept in place: a header may follow
      } else if (isHeaderLine(line) && !DIRECTIVE.matcher(line).lookingAt()) {
        stripped = true;
      } else {
        break;
      }
    }
    if (!stripped) {
      return content;
    }
    kept.addAll(Arrays.asList(lines).subList(code, lines.length));
    return String.join("\n", kept);
  }

  private static boolean isHeaderLine(String line) {
    return line.isEmpty() || line.startsWith("//") || line.startsWith("#") || line.startsWith("--");
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
