package dev.corral.curation.quality.heuristics;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The MassiveText quality rules of Gopher (Rae et al. 2021, "Scaling Language Models: Methods,
 * Analysis &amp; Insights from Training Gopher", appendix A.1.1, "Quality filtering"), Spark-free:
 * {@link #annotate} measures a document and {@link Thresholds#reason} names the first rule it
 * breaks. Words are {@link Words#of}.
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
 *   <li>{@code gopher_too_many_bullets}: more than 90% of lines start with a bullet point;
 *   <li>{@code gopher_too_many_end_ellipsis}: more than 30% of lines end with an ellipsis;
 *   <li>{@code gopher_below_alpha_threshold}: fewer than 80% of words contain an alphabetic
 *       character;
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

  /** Characters that start a bulleted line once leading whitespace is skipped. */
  static final String BULLETS = "•‣◦⁃●▪■·*-";

  /**
   * What the rules compare. Ratios whose denominator is zero (no words, no non-blank lines) are 0.
   *
   * @param words number of words
   * @param meanWordLength mean word length in code points
   * @param hashRatio {@code #} characters per word
   * @param ellipsisRatio ellipses ({@code ...}, {@code …}) per word
   * @param bulletLineFrac fraction of non-blank lines that start with a bullet
   * @param ellipsisLineFrac fraction of non-blank lines that end with an ellipsis
   * @param alphaWordFrac fraction of words with at least one alphabetic character
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
      int minStopWords)
      implements Serializable {

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
      new Thresholds(50, 100_000, 3.0, 10.0, 0.1, 0.1, 0.9, 0.3, 0.8, 2);

  /** Measures {@code text} (not null). */
  public static Stats annotate(String text) {
    List<String> words = Words.of(text);
    long letters = 0;
    int alpha = 0;
    Set<String> stops = new HashSet<>();
    for (String w : words) {
      letters += Words.length(w);
      alpha += Words.hasLetter(w) ? 1 : 0;
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
      bullets += BULLETS.indexOf(trimmed.charAt(0)) >= 0 ? 1 : 0;
      endEllipsis += trimmed.endsWith("...") || trimmed.endsWith("…") ? 1 : 0;
    }
    int n = words.size();
    return new Stats(
        n,
        ratio(letters, n),
        ratio(hashes, n),
        ratio(ellipses, n),
        ratio(bullets, lines),
        ratio(endEllipsis, lines),
        ratio(alpha, n),
        stops.size());
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
