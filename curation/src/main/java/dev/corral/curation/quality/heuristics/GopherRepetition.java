package dev.corral.curation.quality.heuristics;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MassiveText repetition rules of Gopher (Rae et al. 2021, appendix A.1.1 "Repetition removal"
 * and Table A1), Spark-free: {@link #annotate} measures a document and {@link Thresholds#reason}
 * names the first rule it breaks. A document is removed when a fraction is above its threshold; one
 * equal to it passes.
 *
 * <table>
 *   <caption>Table A1 thresholds and the reason codes (DataTrove's names)</caption>
 *   <tr><th>measure</th><th>threshold</th><th>reason</th></tr>
 *   <tr><td>duplicate line fraction</td><td>0.30</td><td>{@code dup_line_frac}</td></tr>
 *   <tr><td>duplicate line character fraction</td><td>0.20</td><td>{@code dup_line_char_frac}</td></tr>
 *   <tr><td>duplicate paragraph fraction</td><td>0.30</td><td>{@code dup_para_frac}</td></tr>
 *   <tr><td>duplicate paragraph character fraction</td><td>0.20</td><td>{@code dup_para_char_frac}</td></tr>
 *   <tr><td>top 2-, 3-, 4-gram character fraction</td><td>0.20, 0.18, 0.16</td><td>{@code top_N_gram}</td></tr>
 *   <tr><td>duplicate 5- … 10-gram character fraction</td><td>0.15, 0.14, 0.13, 0.12, 0.11, 0.10</td>
 *       <td>{@code duplicated_N_n_grams}</td></tr>
 * </table>
 *
 * <p>Definitions. Lines and paragraphs are those of {@link Words}, compared after stripping
 * surrounding whitespace; blank lines are not lines here (they separate paragraphs, and counting
 * them would make every multi-paragraph page look repetitive). A line (paragraph) is a duplicate
 * when an equal one came before it; the fractions are duplicates over all lines (paragraphs), and
 * their characters over the characters of the whole text. N-grams are over {@link Words#of}; their
 * character fractions count word characters (no spaces) over the characters of all words. The top
 * n-gram is the most frequent one (ties: the one with more characters); its fraction is the
 * characters of the words covered by its occurrences, 0 when it occurs only once. For n = 5..10
 * every word covered by any n-gram that occurs more than once, first occurrence included, counts
 * once, as the paper says: "taking care not to count characters that occur in overlapping n-grams
 * more than once". DataTrove counts only repeats after the first, so its n-gram fractions run
 * lower.
 */
public final class GopherRepetition {
  private GopherRepetition() {}

  /** n of the top n-gram rules. */
  public static final int[] TOP_NS = {2, 3, 4};

  /** n of the duplicate n-gram rules. */
  public static final int[] DUP_NS = {5, 6, 7, 8, 9, 10};

  /**
   * What the rules compare.
   *
   * @param dupLineFrac duplicate lines over lines
   * @param dupLineCharFrac characters of duplicate lines over characters of the text
   * @param dupParaFrac duplicate paragraphs over paragraphs
   * @param dupParaCharFrac characters of duplicate paragraphs over characters of the text
   * @param topNGramFrac for n = 2, 3, 4: character fraction of the most frequent n-gram
   * @param dupNGramFrac for n = 5..10: character fraction covered by repeated n-grams
   */
  public record Stats(
      double dupLineFrac,
      double dupLineCharFrac,
      double dupParaFrac,
      double dupParaCharFrac,
      double[] topNGramFrac,
      double[] dupNGramFrac) {}

  /**
   * Thresholds; {@code maxTopNGramFrac[i]} is for n = {@code TOP_NS[i]}, {@code maxDupNGramFrac[i]}
   * for DUP_NS.
   */
  public record Thresholds(
      double maxDupLineFrac,
      double maxDupLineCharFrac,
      double maxDupParaFrac,
      double maxDupParaCharFrac,
      double[] maxTopNGramFrac,
      double[] maxDupNGramFrac)
      implements Serializable {

    /** The first rule {@code s} breaks, as its reason code, or null when it breaks none. */
    public String reason(Stats s) {
      if (s.dupLineFrac() > maxDupLineFrac) {
        return "dup_line_frac";
      }
      if (s.dupLineCharFrac() > maxDupLineCharFrac) {
        return "dup_line_char_frac";
      }
      if (s.dupParaFrac() > maxDupParaFrac) {
        return "dup_para_frac";
      }
      if (s.dupParaCharFrac() > maxDupParaCharFrac) {
        return "dup_para_char_frac";
      }
      for (int i = 0; i < TOP_NS.length; i++) {
        if (s.topNGramFrac()[i] > maxTopNGramFrac[i]) {
          return "top_" + TOP_NS[i] + "_gram";
        }
      }
      for (int i = 0; i < DUP_NS.length; i++) {
        if (s.dupNGramFrac()[i] > maxDupNGramFrac[i]) {
          return "duplicated_" + DUP_NS[i] + "_n_grams";
        }
      }
      return null;
    }
  }

  /** Table A1's values. */
  public static final Thresholds DEFAULTS =
      new Thresholds(
          0.30,
          0.20,
          0.30,
          0.20,
          new double[] {0.20, 0.18, 0.16},
          new double[] {0.15, 0.14, 0.13, 0.12, 0.11, 0.10});

  /** Measures {@code text} (not null). */
  public static Stats annotate(String text) {
    int chars = text.length();
    List<String> lines =
        Words.lines(text).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    long[] line = duplicates(lines);
    long[] para = duplicates(Words.paragraphs(text).stream().map(String::strip).toList());

    List<String> words = Words.of(text);
    int[] ids = new int[words.size()];
    int[] lengths = new int[words.size()];
    long wordChars = 0;
    Map<String, Integer> vocabulary = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.computeIfAbsent(words.get(i), w -> vocabulary.size());
      lengths[i] = Words.length(words.get(i));
      wordChars += lengths[i];
    }
    double[] top = new double[TOP_NS.length];
    for (int i = 0; i < TOP_NS.length; i++) {
      top[i] = ratio(topNGramChars(ids, lengths, TOP_NS[i]), wordChars);
    }
    double[] dup = new double[DUP_NS.length];
    for (int i = 0; i < DUP_NS.length; i++) {
      dup[i] = ratio(duplicateNGramChars(ids, lengths, DUP_NS[i]), wordChars);
    }
    return new Stats(
        ratio(line[0], lines.size()),
        ratio(line[1], chars),
        ratio(para[0], para[2]),
        ratio(para[1], chars),
        top,
        dup);
  }

  /**
   * {duplicates, their characters, items}: an item is a duplicate when an equal one came before it.
   */
  private static long[] duplicates(List<String> items) {
    Set<String> seen = new HashSet<>();
    long count = 0;
    long chars = 0;
    for (String item : items) {
      if (!seen.add(item)) {
        count++;
        chars += item.length();
      }
    }
    return new long[] {count, chars, items.size()};
  }

  /**
   * Characters of the words covered by the most frequent n-gram's occurrences; 0 if none occurs
   * twice.
   */
  private static long topNGramChars(int[] ids, int[] lengths, int n) {
    Map<Gram, Integer> counts = countNGrams(ids, n);
    Gram best = null;
    int bestCount = 0;
    long bestChars = 0;
    for (Map.Entry<Gram, Integer> e : counts.entrySet()) {
      int c = e.getValue();
      if (c < 2 || c < bestCount) {
        continue;
      }
      long gramChars = e.getKey().chars(lengths);
      if (c > bestCount || gramChars > bestChars) {
        best = e.getKey();
        bestCount = c;
        bestChars = gramChars;
      }
    }
    if (best == null) {
      return 0;
    }
    boolean[] covered = new boolean[ids.length];
    for (int i = 0; i + n <= ids.length; i++) {
      if (best.equals(new Gram(ids, i, n))) {
        Arrays.fill(covered, i, i + n, true);
      }
    }
    return coveredChars(covered, lengths);
  }

  /**
   * Characters of the words covered by any n-gram that occurs at least twice, each word counted
   * once.
   */
  private static long duplicateNGramChars(int[] ids, int[] lengths, int n) {
    Map<Gram, Integer> counts = countNGrams(ids, n);
    boolean[] covered = new boolean[ids.length];
    for (int i = 0; i + n <= ids.length; i++) {
      if (counts.get(new Gram(ids, i, n)) > 1) {
        Arrays.fill(covered, i, i + n, true);
      }
    }
    return coveredChars(covered, lengths);
  }

  private static Map<Gram, Integer> countNGrams(int[] ids, int n) {
    Map<Gram, Integer> counts = new HashMap<>();
    for (int i = 0; i + n <= ids.length; i++) {
      counts.merge(new Gram(ids, i, n), 1, Integer::sum);
    }
    return counts;
  }

  private static long coveredChars(boolean[] covered, int[] lengths) {
    long chars = 0;
    for (int i = 0; i < covered.length; i++) {
      chars += covered[i] ? lengths[i] : 0;
    }
    return chars;
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? 0.0 : (double) part / whole;
  }

  /** A window of word ids, compared by content without copying it. */
  private static final class Gram {
    private final int[] ids;
    private final int start;
    private final int n;
    private final int hash;

    Gram(int[] ids, int start, int n) {
      this.ids = ids;
      this.start = start;
      this.n = n;
      int h = 1;
      for (int i = start; i < start + n; i++) {
        h = 31 * h + ids[i];
      }
      this.hash = h;
    }

    long chars(int[] lengths) {
      long c = 0;
      for (int i = start; i < start + n; i++) {
        c += lengths[i];
      }
      return c;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Gram g
          && g.hash == hash
          && g.n == n
          && Arrays.equals(ids, start, start + n, g.ids, g.start, g.start + n);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
