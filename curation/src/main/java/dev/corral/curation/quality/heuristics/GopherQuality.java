package dev.corral.curation.quality.heuristics;

import dev.corral.core.text.PythonStr;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The MassiveText quality rules of Gopher (Rae et al. 2021, "Scaling Language Models: Methods,
 * Analysis &amp; Insights from Training Gopher", appendix A.1.1, "Quality filtering"), Spark-free:
 * {@link #annotate} measures a document and {@link Thresholds#reason} names the first rule it
 * breaks.
 *
 * <p><b>Words, per rule, as the reference implementations define them.</b> The word count and the
 * mean word length count {@link Words#of} (whitespace tokens trimmed of punctuation; a token of
 * symbols only, such as {@code #}, {@code ...} or {@code •}, is no word), as DataTrove counts its
 * "non-symbol words". The symbol-to-word ratios and the alphabetic fraction divide by every
 * whitespace-separated token (Python's {@code str.split()}), symbols included, as Dolma's and
 * DataTrove's Gopher rules do: on a symbol-heavy page the ratios are then what those tools report.
 *
 * <p>Rules, in the order they are checked, with the paper's values:
 *
 * <ul>
 *   <li>{@code gopher_short_doc} / {@code gopher_long_doc}: fewer than 50 or more than 100,000
 *       words;
 *   <li>{@code gopher_below_avg_word_len} / {@code gopher_above_avg_word_len}: mean word length
 *       outside [3, 10] characters;
 *   <li>{@code gopher_too_many_hashes} / {@code gopher_too_many_ellipsis}: symbol-to-word ratio
 *       above 0.1 for {@code #}, or for ellipses ({@code ...} and {@code …}, each occurrence one
 *       symbol);
 *   <li>{@code gopher_too_many_bullets}: more than 90% of lines start with a bullet point (one of
 *       {@link #BULLETS}, or the characters given);
 *   <li>{@code gopher_too_many_end_ellipsis}: more than 30% of lines end with an ellipsis;
 *   <li>{@code gopher_below_alpha_threshold}: fewer than 80% of whitespace-separated tokens contain
 *       an alphabetic character;
 *   <li>{@code gopher_too_few_stop_words}: fewer than 2 of the words {the, be, to, of, and, that,
 *       have, with}.
 * </ul>
 *
 * Line fractions are over non-blank lines, since blank lines separate paragraphs and would dilute
 * them. The stop-word rule counts distinct stop words, case-insensitively, because the paper asks
 * for "at least two of the following English words" (DataTrove counts occurrences, so "the the"
 * passes there and not here).
 */
public final class GopherQuality {
  private GopherQuality() {}

  /** Gopher's stop words (appendix A.1.1). */
  public static final Set<String> STOP_WORDS =
      Set.of("the", "be", "to", "of", "and", "that", "have", "with");

  /**
   * Characters that start a bulleted line once leading whitespace is skipped: the set the Gopher
   * implementations use (DataTrove's and Dolma's bullet lists).
   */
  public static final String BULLETS = "•‣⁃⁌⁍∙○●◘◦⦾⦿-*";

  /**
   * What the rules compare. Ratios whose denominator is zero (no words, no non-blank lines) are 0.
   *
   * @param words number of words
   * @param meanWordLength mean word length in code points
   * @param hashRatio {@code #} characters per whitespace-separated token
   * @param ellipsisRatio ellipses ({@code ...}, {@code …}) per whitespace-separated token
   * @param bulletLineFrac fraction of non-blank lines that start with a bullet
   * @param ellipsisLineFrac fraction of non-blank lines that end with an ellipsis
   * @param alphaWordFrac fraction of whitespace-separated tokens with an alphabetic character
   * @param stopWords number of distinct stop words present
   */
  public record Stats(
      int words,
      double meanWordLength,
      double hashRatio,
      double ellipsisRatio,
      double bulletLineFrac,
      double ellipsisLineFrac,
      double alphaWordFrac,
      int stopWords) {}

  /**
   * The thresholds, each the paper's value by default ({@link #DEFAULTS}); a document is rejected
   * when a number falls outside its bound, and a number equal to its bound passes.
   */
  public record Thresholds(
      int minWords,
      int maxWords,
      double minMeanWordLength,
      double maxMeanWordLength,
      double maxHashRatio,
      double maxEllipsisRatio,
      double maxBulletLineFrac,
      double maxEllipsisLineFrac,
      double minAlphaWordFrac,
      int minStopWords,
      String bullets)
      implements Serializable {

    /** Every reason code {@link #reason} returns. */
    public static final List<String> REASONS =
        List.of(
            "gopher_short_doc",
            "gopher_long_doc",
            "gopher_below_avg_word_len",
            "gopher_above_avg_word_len",
            "gopher_too_many_hashes",
            "gopher_too_many_ellipsis",
            "gopher_too_many_bullets",
            "gopher_too_many_end_ellipsis",
            "gopher_below_alpha_threshold",
            "gopher_too_few_stop_words");

    /** The first rule {@code s} breaks, as its reason code, or null when it breaks none. */
    public String reason(Stats s) {
      if (s.words() < minWords) {
        return "gopher_short_doc";
      }
      if (s.words() > maxWords) {
        return "gopher_long_doc";
      }
      if (s.meanWordLength() < minMeanWordLength) {
        return "gopher_below_avg_word_len";
      }
      if (s.meanWordLength() > maxMeanWordLength) {
        return "gopher_above_avg_word_len";
      }
      if (s.hashRatio() > maxHashRatio) {
        return "gopher_too_many_hashes";
      }
      if (s.ellipsisRatio() > maxEllipsisRatio) {
        return "gopher_too_many_ellipsis";
      }
      if (s.bulletLineFrac() > maxBulletLineFrac) {
        return "gopher_too_many_bullets";
      }
      if (s.ellipsisLineFrac() > maxEllipsisLineFrac) {
        return "gopher_too_many_end_ellipsis";
      }
      if (s.alphaWordFrac() < minAlphaWordFrac) {
        return "gopher_below_alpha_threshold";
      }
      if (s.stopWords() < minStopWords) {
        return "gopher_too_few_stop_words";
      }
      return null;
    }
  }

  /** Appendix A.1.1's values. */
  public static final Thresholds DEFAULTS =
      new Thresholds(50, 100_000, 3.0, 10.0, 0.1, 0.1, 0.9, 0.3, 0.8, 2, BULLETS);

  /** Measures {@code text} (not null) with the default {@link #BULLETS}. */
  public static Stats annotate(String text) {
    return annotate(text, BULLETS);
  }

  /**
   * Measures {@code text} (not null); a non-blank line starting with one of {@code bullets} is
   * bulleted.
   */
  public static Stats annotate(String text, String bulletChars) {
    List<String> words = Words.of(text);
    String[] tokens = PythonStr.split(text);
    int alpha = 0;
    for (String token : tokens) {
      alpha += Words.hasLetter(token) ? 1 : 0;
    }
    long letters = 0;
    Set<String> stops = new HashSet<>();
    for (String w : words) {
      letters += Words.length(w);
      if (w.length() <= 4) {
        String lower = w.toLowerCase(Locale.ROOT);
        if (STOP_WORDS.contains(lower)) {
          stops.add(lower);
        }
      }
    }
    int hashes = 0;
    for (int i = 0; i < text.length(); i++) {
      hashes += text.charAt(i) == '#' ? 1 : 0;
    }
    int ellipses = count(text, "...") + count(text, "…");
    int lines = 0;
    int bullets = 0;
    int endEllipsis = 0;
    for (String line : Words.lines(text)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      lines++;
      bullets += bullets(bulletChars, trimmed.codePointAt(0)) ? 1 : 0;
      endEllipsis += trimmed.endsWith("...") || trimmed.endsWith("…") ? 1 : 0;
    }
    int n = words.size();
    return new Stats(
        n,
        ratio(letters, n),
        ratio(hashes, tokens.length),
        ratio(ellipses, tokens.length),
        ratio(bullets, lines),
        ratio(endEllipsis, lines),
        ratio(alpha, tokens.length),
        stops.size());
  }

  private static boolean bullets(String bulletChars, int firstCodePoint) {
    return bulletChars.indexOf(firstCodePoint) >= 0;
  }

  /** Non-overlapping occurrences of {@code what} in {@code text}, as Python's {@code str.count}. */
  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? 0.0 : (double) part / whole;
  }
}
