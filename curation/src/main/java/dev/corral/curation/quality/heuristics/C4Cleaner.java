package dev.corral.curation.quality.heuristics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * C4's page cleaning (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified
 * Text-to-Text Transformer", section 2.2), Spark-free, following its reference implementation
 * (tensorflow_datasets {@code c4_utils.clean_page}) line by line with the paper's numbers.
 *
 * <p>Each line, stripped of surrounding whitespace, is dropped when, in this order: a word
 * (whitespace-separated) is longer than {@code maxWordLength} (1000, the reference code's); after
 * removing Wikipedia-style citations ({@code [1]}, {@code [edit]}, {@code [citation needed]}) it
 * does not end in terminal punctuation ({@code . ! ? "}) or ends in an ellipsis {@code ...}; it has
 * fewer than {@code minWordsPerLine} words (5); it mentions "javascript"; it holds a policy phrase
 * ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use
 * cookies"). Lines that survive those rules decide the page-level rules, as in the reference code
 * (a "{" in a dropped navigation line does not reject the page):
 *
 * <ul>
 *   <li>{@code c4_lorem_ipsum}: a line contains "lorem ipsum" (checked before the javascript rule);
 *   <li>{@code c4_curly_brace}: a line contains "{" (checked after the javascript rule);
 *   <li>{@code c4_bad_words}: a kept line contains a word of the bad-words list;
 *   <li>{@code c4_too_few_sentences}: the kept lines hold fewer than {@code minSentences} (3)
 *       sentences, counted per line by {@link SentenceCounter};
 *   <li>{@code c4_too_few_lines}: fewer than {@code minLines} kept lines have at least {@code
 *       minLineChars} characters. This is mC4's line filter (Xue et al. 2021, section 2: three
 *       lines of 200 or more characters, {@link #MC4}), not C4's, so {@code minLines} is 0 (off) by
 *       default.
 * </ul>
 *
 * The first page-level rule hit, in line order, names the reason; the last two are checked after
 * all lines. The reference code stops at the first hit; here every line is still cleaned and
 * counted, so the annotations describe the whole page whatever the reason.
 */
public final class C4Cleaner {
  static final String LOREM_IPSUM = "c4_lorem_ipsum";
  static final String CURLY_BRACE = "c4_curly_brace";
  static final String BAD_WORDS = "c4_bad_words";
  static final String TOO_FEW_SENTENCES = "c4_too_few_sentences";
  static final String TOO_FEW_LINES = "c4_too_few_lines";

  /** Every page-level reason code, in the order the rules are checked. */
  public static final List<String> REASONS =
      List.of(LOREM_IPSUM, CURLY_BRACE, BAD_WORDS, TOO_FEW_SENTENCES, TOO_FEW_LINES);

  private C4Cleaner() {}

  /** The policy phrases of C4's reference code: lines holding one are dropped. */
  public static final List<String> POLICY_PHRASES =
      List.of(
          "terms of use",
          "privacy policy",
          "cookie policy",
          "uses cookies",
          "use of cookies",
          "use cookies");

  // "[1]", "[]", "[edit]", "[citation needed]", as the reference code's citation regex.
  private static final Pattern CITATION = Pattern.compile("\\[\\d*]|\\[edit]|\\[citation needed]");

  /**
   * The knobs, each C4's value by default ({@link #DEFAULTS}); a minimum of 0 turns its rule off.
   *
   * @param minWordsPerLine fewest words a kept line has (5)
   * @param maxWordLength longest word a kept line may hold, in chars (1000)
   * @param minSentences fewest sentences a kept page has (3)
   * @param minLines fewest kept lines of at least {@code minLineChars} a kept page has (0: off)
   * @param minLineChars characters a kept line needs to count for {@code minLines} (0)
   * @param badWords whether the bad-words rule applies
   * @param terminalPunctuation whether a line must end in {@code . ! ? "} and not in {@code ...}
   * @param javascriptLines whether lines mentioning "javascript" are dropped
   * @param policyLines whether lines holding a policy phrase are dropped
   */
  public record Settings(
      int minWordsPerLine,
      int maxWordLength,
      int minSentences,
      int minLines,
      int minLineChars,
      boolean badWords,
      boolean terminalPunctuation,
      boolean javascriptLines,
      boolean policyLines)
      implements Serializable {}

  /**
   * C4's values: the paper (section 2.2: "fewer than 3 sentences", "at least 5 words") and its
   * reference code agree ({@code _MIN_WORDS_PER_LINE = 5}, {@code _MIN_NUM_SENTENCES = 3}); no
   * line-count rule.
   */
  public static final Settings DEFAULTS = new Settings(5, 1000, 3, 0, 0, true, true, true, true);

  /** mC4's values (Xue et al. 2021, section 2): C4's plus three kept lines of 200 characters. */
  public static final Settings MC4 = new Settings(5, 1000, 3, 3, 200, true, true, true, true);

  /**
   * A cleaned page.
   *
   * @param text the kept lines joined by {@code \n}
   * @param linesKept number of kept lines
   * @param linesTotal number of input lines, blank ones included
   * @param sentences sentences in the kept lines
   * @param reason the reason code when the page is rejected, else null
   */
  public record Result(String text, int linesKept, int linesTotal, int sentences, String reason) {}

  /**
   * Cleans {@code page} (not null) with {@code settings}, matching bad words with {@code badWords}.
   */
  public static Result clean(String page, Settings settings, BadWords badWords) {
    List<String> kept = new ArrayList<>();
    int total = 0;
    int sentences = 0;
    int longLines = 0;
    String reason = null;
    for (String raw : Words.lines(page)) {
      total++;
      String line = raw.strip();
      if (hasLongerWord(line, settings.maxWordLength())) {
        continue;
      }
      line = CITATION.matcher(line).replaceAll("");
      if (settings.terminalPunctuation() && (!endsWithTerminal(line) || line.endsWith("..."))) {
        continue;
      }
      if (wordCount(line) < settings.minWordsPerLine()) {
        continue;
      }
      String lower = line.toLowerCase(Locale.ROOT);
      if (reason == null && lower.contains("lorem ipsum")) {
        reason = LOREM_IPSUM;
      }
      if (settings.javascriptLines() && lower.contains("javascript")) {
        continue;
      }
      if (reason == null && line.indexOf('{') >= 0) {
        reason = CURLY_BRACE;
      }
      if (settings.policyLines() && hasPolicyPhrase(lower)) {
        continue;
      }
      if (reason == null && settings.badWords() && badWords.find(lower) != null) {
        reason = BAD_WORDS;
      }
      sentences += SentenceCounter.count(line);
      longLines += line.length() >= settings.minLineChars() ? 1 : 0;
      kept.add(line);
    }
    if (reason == null && sentences < settings.minSentences()) {
      reason = TOO_FEW_SENTENCES;
    }
    if (reason == null && longLines < settings.minLines()) {
      reason = TOO_FEW_LINES;
    }
    return new Result(String.join("\n", kept).strip(), kept.size(), total, sentences, reason);
  }

  /** Whether {@code line} ends with one of C4's end marks: {@code . ? ! "}. */
  static boolean endsWithTerminal(String line) {
    if (line.isEmpty()) {
      return false;
    }
    char last = line.charAt(line.length() - 1);
    return last == '.' || last == '?' || last == '!' || last == '"';
  }

  /** Whitespace-separated tokens, as Python's {@code str.split()} counts them. */
  static int wordCount(String line) {
    int words = 0;
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      boolean space = Character.isWhitespace(line.charAt(i));
      words += !space && !inWord ? 1 : 0;
      inWord = !space;
    }
    return words;
  }

  private static boolean hasLongerWord(String line, int max) {
    int run = 0;
    for (int i = 0; i < line.length(); i++) {
      run = Character.isWhitespace(line.charAt(i)) ? 0 : run + 1;
      if (run > max) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasPolicyPhrase(String lower) {
    for (String p : POLICY_PHRASES) {
      if (lower.contains(p)) {
        return true;
      }
    }
    return false;
  }
}
