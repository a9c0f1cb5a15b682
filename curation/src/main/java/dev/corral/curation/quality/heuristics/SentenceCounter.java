package dev.corral.curation.quality.heuristics;

import java.util.Locale;
import java.util.Set;

/**
 * Counts English sentences with a few rules, standing in for the NLTK Punkt tokenizer that C4's
 * reference code (tensorflow_datasets {@code c4_utils.clean_page}) runs on each kept line. {@code
 * SENTENCES.md} beside this file has the comparison with Spark NLP's {@code SentenceDetector} and
 * {@link java.text.BreakIterator} that chose it.
 *
 * <p>A sentence ends at a run of terminal marks ({@code . ! ? …}, any mix), optionally followed by
 * closing quotes or brackets, when the run is at the end of the text or is followed by whitespace
 * and then a character that can start a sentence (anything but a lowercase letter). A lone {@code
 * .} does not end a sentence after a known abbreviation ({@code Dr.}, {@code e.g.}, {@code etc.}),
 * after a single letter (an initial, {@code J. Smith}) or after a dotted acronym ({@code U.S.});
 * {@code No.}, {@code Fig.}, {@code p.} and their kin do not end one before a digit. Marks inside a
 * token ({@code 3.14}, {@code example.com}) never end a sentence. A sentence counts only if it
 * holds a letter or digit, so a text without any terminal mark is one sentence and a blank one is
 * none.
 */
public final class SentenceCounter {
  private SentenceCounter() {}

  // Titles and Latin/editorial abbreviations that are followed by more of the same sentence.
  private static final Set<String> ABBREVIATIONS =
      Set.of(
          "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "rev", "hon", "gen", "col", "lt",
          "capt", "sgt", "gov", "sen", "rep", "vs", "etc", "e.g", "i.e", "cf", "al", "ca", "approx",
          "inc", "ltd", "co", "corp", "dept", "est", "jan", "feb", "mar", "apr", "jun", "jul",
          "aug", "sep", "sept", "oct", "nov", "dec");
  // Abbreviations that precede a number ("No. 5", "Fig. 3") but may also end a sentence ("I said
  // no.").
  private static final Set<String> BEFORE_NUMBER =
      Set.of("no", "nos", "fig", "figs", "p", "pp", "vol", "art", "ch", "sec", "eq", "ref");

  /** The number of sentences in {@code text}; 0 for null or text without letters or digits. */
  public static int count(String text) {
    if (text == null) {
      return 0;
    }
    int n = text.length();
    int sentences = 0;
    boolean content = false;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!isTerminal(c)) {
        content |= Character.isLetterOrDigit(c);
        i++;
        continue;
      }
      int end = i;
      while (end < n && isTerminal(text.charAt(end))) {
        end++;
      }
      while (end < n && isClosing(text.charAt(end))) {
        end++;
      }
      if (content && endsSentence(text, i, end)) {
        sentences++;
        content = false;
      }
      i = end;
    }
    return content ? sentences + 1 : sentences;
  }

  /**
   * Whether the marks in {@code text[start, end)} end a sentence, judged by what surrounds them.
   */
  private static boolean endsSentence(String text, int start, int end) {
    int n = text.length();
    if (end == n) {
      return true;
    }
    if (!Character.isWhitespace(text.charAt(end))) {
      return false;
    }
    int next = end;
    while (next < n && Character.isWhitespace(text.charAt(next))) {
      next++;
    }
    if (next == n) {
      return true;
    }
    char following = text.charAt(next);
    if (Character.isLowerCase(following)) {
      return false;
    }
    // Only a single period can be an abbreviation's; "?", "!", "..." and "!?" always end a sentence
    // here.
    boolean singlePeriod =
        text.charAt(start) == '.' && (start + 1 == n || !isTerminal(text.charAt(start + 1)));
    if (!singlePeriod) {
      return true;
    }
    String token = tokenBefore(text, start);
    if (token.isEmpty()) {
      return true;
    }
    if (token.length() == 1 && Character.isLetter(token.charAt(0))) {
      return false;
    }
    if (token.indexOf('.') >= 0 || ABBREVIATIONS.contains(token)) {
      return false;
    }
    return !(BEFORE_NUMBER.contains(token) && Character.isDigit(following));
  }

  /**
   * The lowercased letters and inner periods just before {@code dot}: "Dr" for "Dr.", "u.s" for
   * "U.S.".
   */
  private static String tokenBefore(String text, int dot) {
    int from = dot;
    while (from > 0
        && (Character.isLetter(text.charAt(from - 1)) || text.charAt(from - 1) == '.')) {
      from--;
    }
    while (from < dot && text.charAt(from) == '.') {
      from++;
    }
    return text.substring(from, dot).toLowerCase(Locale.ROOT);
  }

  private static boolean isTerminal(char c) {
    return c == '.' || c == '!' || c == '?' || c == '…';
  }

  private static boolean isClosing(char c) {
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == '”' || c == '’' || c == '»';
  }
}
