package dev.corral.curation.lm;

import dev.corral.core.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Kneser-Ney's adjusted counts of every n-gram of a corpus, as KenLM's {@code lmplz} builds them
 * (Heafield et al. 2013, "Scalable Modified Kneser-Ney Language Model Estimation", section 3.2),
 * with words as ids and each order sorted by its words, first word first, so that n-grams sharing a
 * context are adjacent.
 *
 * <p>lmplz's conventions, which these counts follow:
 *
 * <ul>
 *   <li>each line is a sentence {@code <s> w1 .. wm </s>}, words cut on space, tab, CR and NUL
 *       (lmplz's delimiters), and a literal {@code <s>}, {@code </s>} or {@code <unk>} in the text
 *       is an error (lmplz's default, which refuses them);
 *   <li>the highest order counts how often each n-gram occurs;
 *   <li>a lower-order n-gram counts the distinct words seen before it (its continuation count,
 *       Kneser and Ney 1995), {@code <s>} included; except one that starts with {@code <s>}, which
 *       nothing can precede, so it keeps how often it occurs;
 *   <li>the 1-grams {@code <unk>} and {@code <s>} are present with count 0 ({@code <s>} is only a
 *       context).
 * </ul>
 *
 * lmplz pads sentences with N-1 {@code <s>} and then collapses {@code <s> <s> x} to {@code <s> x};
 * counting the n-grams of the once-padded sentence, as here, gives the same n-grams and counts.
 *
 * <p>{@link #count(Iterable, int)} counts in memory for small corpora; {@link SparkNgramCounter}
 * computes the same counts with Spark, and {@link Builder} takes them in.
 */
public final class NgramCounts {
  /**
   * Word ids 0, 1, 2 are lmplz's {@code <unk>}, {@code <s>}, {@code </s>}; the rest follow in
   * string order.
   */
  static final int UNK = 0;

  static final int BOS = 1;
  static final int EOS = 2;

  final String[] vocabulary;
  // words[k-1]: the order-k n-grams, k ids each, sorted; counts[k-1]: their adjusted counts,
  // aligned.
  final int[][] words;
  final long[][] counts;

  private NgramCounts(String[] vocabulary, int[][] words, long[][] counts) {
    this.vocabulary = vocabulary;
    this.words = words;
    this.counts = counts;
  }

  /** The highest order. */
  public int order() {
    return words.length;
  }

  /**
   * How many n-grams of order {@code k} there are (for 1-grams: {@code <unk>} and {@code <s>}
   * included).
   */
  public int size(int k) {
    return counts[k - 1].length;
  }

  /** The adjusted count of the n-gram {@code words} (space-separated), or -1 if it is not there. */
  public long adjustedCount(String ngram) {
    String[] parts = ngram.split(" ");
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      ids[i] = wordId(parts[i]);
      if (ids[i] < 0) {
        return -1;
      }
    }
    int at = find(parts.length, ids, 0);
    return at < 0 ? -1 : counts[parts.length - 1][at];
  }

  int wordId(String word) {
    for (int id = 0; id <= EOS; id++) {
      if (vocabulary[id].equals(word)) {
        return id;
      }
    }
    int i = Arrays.binarySearch(vocabulary, EOS + 1, vocabulary.length, word);
    return i < 0 ? -1 : i;
  }

  /** The index of the order-{@code k} n-gram {@code ids[from .. from+k)}, or -1. */
  int find(int k, int[] ids, int from) {
    int[] w = words[k - 1];
    int lo = 0;
    int hi = counts[k - 1].length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compare(w, mid * k, ids, from, k);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  static int compare(int[] a, int aFrom, int[] b, int bFrom, int k) {
    for (int j = 0; j < k; j++) {
      int c = Integer.compare(a[aFrom + j], b[bFrom + j]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /**
   * Every n-gram of orders 1..{@code order} in the sentence {@code <s> line </s>}, space-joined,
   * except the 1-gram {@code <s>}: the raw occurrences that both counters count.
   */
  public static List<String> ngramsOf(String line, int order) {
    String[] tokens = sentence(line);
    List<String> out = new ArrayList<>(tokens.length * order);
    StringBuilder sb = new StringBuilder();
    for (int end = 1; end < tokens.length; end++) {
      for (int k = 1; k <= order && end - k + 1 >= 0; k++) {
        sb.setLength(0);
        for (int i = end - k + 1; i <= end; i++) {
          sb.append(i > end - k + 1 ? " " : "").append(tokens[i]);
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  /**
   * {@code <s>}, the line's words cut on lmplz's delimiters (space, tab, CR, NUL), {@code </s>}.
   */
  static String[] sentence(String line) {
    List<String> tokens = new ArrayList<>();
    tokens.add(NgramModel.BOS);
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && isDelimiter(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isDelimiter(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        String w = line.substring(start, i);
        if (w.equals(NgramModel.BOS) || w.equals(NgramModel.EOS) || w.equals(NgramModel.UNK)) {
          throw Errors.badInput(
              "n-gram training text",
              "the special word " + w + " is not allowed in the corpus (as in KenLM's lmplz)");
        }
        tokens.add(w);
      }
    }
    tokens.add(NgramModel.EOS);
    return tokens.toArray(new String[0]);
  }

  private static boolean isDelimiter(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\0' || c == '\n';
  }

  /**
   * Counts {@code lines} in memory (one sentence per line): for corpora that fit on one machine.
   */
  public static NgramCounts count(Iterable<String> lines, int order) {
    Map<String, long[]> raw = new HashMap<>();
    for (String line : lines) {
      for (String g : ngramsOf(line, order)) {
        raw.computeIfAbsent(g, x -> new long[1])[0]++;
      }
    }
    // Continuation counts: how many distinct (k+1)-grams have each k-gram as their suffix.
    Map<String, long[]> extensions = new HashMap<>();
    for (String g : raw.keySet()) {
      int space = g.indexOf(' ');
      if (space >= 0) {
        extensions.computeIfAbsent(g.substring(space + 1), x -> new long[1])[0]++;
      }
    }
    Builder builder = new Builder(order);
    raw.forEach(
        (g, c) -> {
          int k = 1 + (int) g.chars().filter(ch -> ch == ' ').count();
          boolean rawCount = k == order || g.startsWith(NgramModel.BOS + " ");
          builder.add(g, rawCount ? c[0] : extensions.get(g)[0]);
        });
    return builder.build();
  }

  /** Collects adjusted counts (from either counter) into sorted id arrays. */
  public static final class Builder implements BiConsumer<String, Long> {
    private final int order;
    private final List<List<String>> grams = new ArrayList<>();
    private final List<long[]> values = new ArrayList<>();
    private final int[] sizes;

    public Builder(int order) {
      if (order < 1) {
        throw Errors.badArgument("order", order, "an n-gram order of at least 1");
      }
      this.order = order;
      this.sizes = new int[order];
      for (int k = 0; k < order; k++) {
        grams.add(new ArrayList<>());
        values.add(new long[16]);
      }
      add(NgramModel.UNK, 0);
      add(NgramModel.BOS, 0);
    }

    /** Adds one n-gram (words joined by single spaces) with its adjusted count. */
    public Builder add(String ngram, long adjustedCount) {
      int k = 1 + (int) ngram.chars().filter(ch -> ch == ' ').count();
      if (k > order) {
        throw Errors.badArgument("n-gram", ngram, "at most " + order + " words");
      }
      grams.get(k - 1).add(ngram);
      long[] v = values.get(k - 1);
      if (sizes[k - 1] == v.length) {
        v = Arrays.copyOf(v, v.length * 2);
        values.set(k - 1, v);
      }
      v[sizes[k - 1]++] = adjustedCount;
      return this;
    }

    @Override
    public void accept(String ngram, Long adjustedCount) {
      add(ngram, adjustedCount);
    }

    public NgramCounts build() {
      List<String> unigrams = grams.get(0);
      List<String> plain = new ArrayList<>();
      for (String w : unigrams) {
        if (!w.equals(NgramModel.UNK) && !w.equals(NgramModel.BOS) && !w.equals(NgramModel.EOS)) {
          plain.add(w);
        }
      }
      plain.sort(null);
      String[] vocabulary = new String[plain.size() + 3];
      vocabulary[UNK] = NgramModel.UNK;
      vocabulary[BOS] = NgramModel.BOS;
      vocabulary[EOS] = NgramModel.EOS;
      for (int i = 0; i < plain.size(); i++) {
        vocabulary[EOS + 1 + i] = plain.get(i);
      }
      WordIndex index = new WordIndex(vocabulary.length);
      for (String w : vocabulary) {
        if (index.add(w) < 0) {
          throw Errors.badArgument("1-gram", w, "each 1-gram once");
        }
      }
      int[][] words = new int[order][];
      long[][] counts = new long[order][];
      for (int k = 1; k <= order; k++) {
        List<String> list = grams.get(k - 1);
        int n = list.size();
        int[] ids = new int[n * k];
        for (int i = 0; i < n; i++) {
          String[] parts = list.get(i).split(" ");
          for (int j = 0; j < k; j++) {
            ids[i * k + j] = index.get(parts[j]);
            if (ids[i * k + j] < 0) {
              throw Errors.badArgument(
                  "n-gram", list.get(i), "words that are all among the 1-grams");
            }
          }
        }
        int kk = k;
        int[] sorted = IndexSort.sort(n, (a, b) -> compare(ids, a * kk, ids, b * kk, kk));
        words[k - 1] = new int[n * k];
        counts[k - 1] = new long[n];
        long[] v = values.get(k - 1);
        for (int i = 0; i < n; i++) {
          System.arraycopy(ids, sorted[i] * k, words[k - 1], i * k, k);
          counts[k - 1][i] = v[sorted[i]];
          if (i > 0 && compare(words[k - 1], (i - 1) * k, words[k - 1], i * k, k) == 0) {
            throw Errors.badArgument("n-gram", list.get(sorted[i]), "each n-gram once");
          }
        }
      }
      return new NgramCounts(vocabulary, words, counts);
    }
  }
}
