package dev.corral.curation.quality.heuristics;

import java.io.Serializable;
import java.util.ArrayList;
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

  /**
   * A family of n-gram rules: for each {@code ns[i]}, the highest fraction {@code maxFracs[i]}.
   * Written and parsed as {@code n:threshold} pairs, e.g. {@code 2:0.2,3:0.18,4:0.16}.
   */
  public record NGramRules(int[] ns, double[] maxFracs) implements Serializable {
    /** Parses {@code n:threshold} pairs: n from 1 to 100, each once; thresholds in [0, 1]. */
    public static NGramRules parse(String spec) {
      String[] pairs = spec.strip().isEmpty() ? new String[0] : spec.split(",");
      int[] ns = new int[pairs.length];
      double[] fracs = new double[pairs.length];
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < pairs.length; i++) {
        String[] nv = pairs[i].strip().split(":");
        try {
          ns[i] = Integer.parseInt(nv[0].strip());
          fracs[i] = Double.parseDouble(nv[1].strip());
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "'" + pairs[i].strip() + "' is not n:threshold (e.g. 2:0.2)");
        }
        if (nv.length != 2 || ns[i] < 1 || ns[i] > 100 || !(fracs[i] >= 0 && fracs[i] <= 1)) {
          throw new IllegalArgumentException(
              "'" + pairs[i].strip() + "': n must be 1 to 100 and the threshold 0 to 1");
        }
        if (!seen.add(ns[i])) {
          throw new IllegalArgumentException("n = " + ns[i] + " is given twice");
        }
      }
      return new NGramRules(ns, fracs);
    }

    /** A Spark ML param validator: whether {@code spec} parses. */
    public static scala.Function1<String, Object> validator() {
      return new ValidSpec();
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < ns.length; i++) {
        s.append(i == 0 ? "" : ",").append(ns[i]).append(':').append(maxFracs[i]);
      }
      return s.toString();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NGramRules r
          && Arrays.equals(ns, r.ns)
          && Arrays.equals(maxFracs, r.maxFracs);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(ns) + Arrays.hashCode(maxFracs);
    }
  }

  private static final class ValidSpec extends scala.runtime.AbstractFunction1<String, Object>
      implements Serializable {
    @Override
    public Object apply(String spec) {
      try {
        NGramRules.parse(spec);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }

  /**
   * What the rules compare.
   *
   * @param dupLineFrac duplicate lines over lines
   * @param dupLineCharFrac characters of duplicate lines over characters of the text
   * @param dupParaFrac duplicate paragraphs over paragraphs
   * @param dupParaCharFrac characters of duplicate paragraphs over characters of the text
   * @param topNGramFrac for each n of the top rules: character fraction of the most frequent n-gram
   * @param dupNGramFrac for each n of the duplicate rules: character fraction covered by repeated
   *     n-grams
   */
  public record Stats(
      double dupLineFrac,
      double dupLineCharFrac,
      double dupParaFrac,
      double dupParaCharFrac,
      double[] topNGramFrac,
      double[] dupNGramFrac) {}

  /** Thresholds; the n-gram rules say which n are measured. */
  public record Thresholds(
      double maxDupLineFrac,
      double maxDupLineCharFrac,
      double maxDupParaFrac,
      double maxDupParaCharFrac,
      NGramRules top,
      NGramRules dup)
      implements Serializable {

    /** Every reason code {@link #reason} returns with these thresholds' n-gram sizes. */
    public List<String> reasons() {
      List<String> all =
          new ArrayList<>(
              List.of(
                  "dup_line_frac", "dup_line_char_frac", "dup_para_frac", "dup_para_char_frac"));
      for (int n : top.ns()) {
        all.add("top_" + n + "_gram");
      }
      for (int n : dup.ns()) {
        all.add("duplicated_" + n + "_n_grams");
      }
      return all;
    }

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
      for (int i = 0; i < top.ns().length; i++) {
        if (s.topNGramFrac()[i] > top.maxFracs()[i]) {
          return "top_" + top.ns()[i] + "_gram";
        }
      }
      for (int i = 0; i < dup.ns().length; i++) {
        if (s.dupNGramFrac()[i] > dup.maxFracs()[i]) {
          return "duplicated_" + dup.ns()[i] + "_n_grams";
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
          new NGramRules(new int[] {2, 3, 4}, new double[] {0.20, 0.18, 0.16}),
          new NGramRules(
              new int[] {5, 6, 7, 8, 9, 10}, new double[] {0.15, 0.14, 0.13, 0.12, 0.11, 0.10}));

  /** Measures {@code text} (not null) for Table A1's n. */
  public static Stats annotate(String text) {
    return annotate(text, DEFAULTS);
  }

  /** Measures {@code text} (not null) for the n of {@code thresholds}' n-gram rules. */
  public static Stats annotate(String text, Thresholds thresholds) {
    int[] topNs = thresholds.top().ns();
    int[] dupNs = thresholds.dup().ns();
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
    double[] top = new double[topNs.length];
    for (int i = 0; i < topNs.length; i++) {
      top[i] = ratio(topNGramChars(ids, lengths, topNs[i]), wordChars);
    }
    double[] dup = new double[dupNs.length];
    for (int i = 0; i < dupNs.length; i++) {
      dup[i] = ratio(duplicateNGramChars(ids, lengths, dupNs[i]), wordChars);
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
