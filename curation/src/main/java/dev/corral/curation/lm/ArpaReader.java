package dev.corral.curation.lm;

import dev.corral.core.Errors;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads an ARPA back-off language model (the format of SRILM, Stolcke 2002; written by KenLM's
 * {@code lmplz}, IRSTLM and {@link ArpaWriter}) into an {@link NgramModel}.
 *
 * <p>The format: optional lines before {@code \data\}; {@code ngram k=count} for k = 1..N; then for
 * each order a {@code \k-grams:} section of exactly {@code count} lines {@code log10prob words
 * [log10backoff]} (fields separated by tabs or spaces, the back-off optional and absent at the
 * highest order); then {@code \end\}. Anything else is an error of one line naming the file and
 * line: a count that disagrees with its section, a section cut short, a value that is not a decimal
 * number, a word missing from the 1-grams, a duplicate n-gram, a log10 probability above 0 (KenLM
 * refuses those by default; back-offs may be positive). As in KenLM, a missing {@code <unk>} is
 * added with log10 probability -100, and a missing {@code <s>} or {@code </s>} is an error.
 */
public final class ArpaReader {
  /**
   * KenLM's {@code unknown_missing_logprob}: what an ARPA without {@code <unk>} gives unknown
   * words.
   */
  static final float MISSING_UNK_LOG10PROB = -100f;

  private final String name;
  private final BufferedReader in;
  private long lineNo;

  private ArpaReader(String name, BufferedReader in) {
    this.name = name;
    this.in = in;
  }

  /** Reads {@code path}, gunzipping it if it starts with gzip's magic bytes. */
  public static NgramModel read(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString());
    } catch (IOException e) {
      throw Errors.unreadable(path.toString(), e);
    }
  }

  /**
   * Checks, without building a model, that no n-gram line of the ARPA text in {@code in} has a
   * log10 probability above 0; the first one is an error naming {@code name} and its line. A job
   * runs this on the driver before Spark starts, so a broken model fails in a second, not on every
   * executor after its input was read.
   */
  public static void checkProbabilities(InputStream in, String name) throws IOException {
    java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8), 1 << 16);
    boolean inSection = false;
    long number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.startsWith("\\")) {
        inSection = line.endsWith("-grams:");
        continue;
      }
      if (!inSection || line.isBlank()) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != '\t') {
        end++;
      }
      String field = line.substring(0, end);
      float p;
      try {
        p = Float.parseFloat(field);
      } catch (NumberFormatException e) {
        continue; // the full read names malformed numbers; this check is about the sign alone
      }
      if (p > 0) {
        throw Errors.badArpa(name, number, aboveZero(field));
      }
    }
  }

  private static String aboveZero(String field) {
    return "log10 probability '"
        + abbreviate(field)
        + "' is above 0: a probability cannot exceed 1";
  }

  /**
   * Reads an ARPA model from {@code in} (gzip-compressed or not); {@code name} names it in errors.
   */
  public static NgramModel read(InputStream in, String name) {
    try {
      BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
      buffered.mark(2);
      boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
      buffered.reset();
      InputStream raw = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 1 << 16);
      return new ArpaReader(name, reader).parse();
    } catch (IOException e) {
      throw Errors.unreadable(name, e);
    } catch (UncheckedIOException e) {
      throw Errors.unreadable(name, e.getCause());
    }
  }

  private NgramModel parse() throws IOException {
    String line = nextLine();
    while (line != null && !line.strip().equals("\\data\\")) {
      line = nextLine();
    }
    if (line == null) {
      throw error("no \\data\\ header");
    }
    long[] counts = readCounts();
    int order = counts.length;
    Level[] levels = new Level[order + 1];
    WordIndex index = new WordIndex((int) Math.min(counts[0] + 1, Integer.MAX_VALUE - 8));
    List<String> words = new ArrayList<>();
    for (int k = 1; k <= order; k++) {
      line = nextNonBlank();
      String header = "\\" + k + "-grams:";
      if (line == null) {
        throw error("file ends before the " + header + " section");
      }
      if (!line.strip().equals(header)) {
        throw error("expected " + header + " but found '" + abbreviate(line) + "'");
      }
      levels[k] = readSection(k, order, counts[k - 1], index, words);
    }
    line = nextNonBlank();
    if (line == null) {
      throw error("file ends without \\end\\");
    }
    if (!line.strip().equals("\\end\\")) {
      throw error("expected \\end\\ but found '" + abbreviate(line) + "'");
    }
    Level unigrams = levels[1];
    for (String special : new String[] {NgramModel.BOS, NgramModel.EOS}) {
      if (index.get(special) < 0) {
        throw Errors.badArpa(name, unigrams.headerLine, "the 1-grams have no " + special);
      }
    }
    if (index.get(NgramModel.UNK) < 0) {
      index.add(NgramModel.UNK);
      words.add(NgramModel.UNK);
      unigrams.add(new int[] {words.size() - 1}, MISSING_UNK_LOG10PROB, 0f, -1);
    }
    linkLevels(levels);
    float[][] prob = new float[order][];
    float[][] backoff = new float[order][];
    long[][] keys = new long[order][];
    for (int k = 1; k <= order; k++) {
      Level level = levels[k];
      prob[k - 1] = Arrays.copyOf(level.prob, level.size);
      backoff[k - 1] = k < order ? Arrays.copyOf(level.backoff, level.size) : null;
      keys[k - 1] = k >= 2 ? Arrays.copyOf(level.keys, level.size) : null;
    }
    return new ArpaModel(name, words.toArray(new String[0]), index, counts, prob, backoff, keys);
  }

  private long[] readCounts() throws IOException {
    List<Long> counts = new ArrayList<>();
    String line = nextNonBlank();
    while (line != null && !line.isBlank()) {
      String s = line.strip();
      if (!s.startsWith("ngram ")) {
        if (s.startsWith("\\") && !counts.isEmpty()) {
          break; // no blank line between the counts and the first section: tolerated, as KenLM does
        }
        throw error(
            "expected 'ngram "
                + (counts.size() + 1)
                + "=count' but found '"
                + abbreviate(line)
                + "'");
      }
      String[] kv = s.substring(6).strip().split("=", 2);
      int k = kv.length == 2 ? parseInt(kv[0].strip()) : -1;
      long count = kv.length == 2 ? parseLong(kv[1].strip()) : -1;
      if (k != counts.size() + 1 || count < 0) {
        throw error(
            "expected 'ngram "
                + (counts.size() + 1)
                + "=count' but found '"
                + abbreviate(line)
                + "'");
      }
      if (count > Integer.MAX_VALUE - 8) {
        throw error("ngram " + k + "=" + count + " is more than one order can hold");
      }
      counts.add(count);
      line = nextLine();
    }
    if (counts.isEmpty()) {
      throw error("\\data\\ declares no 'ngram k=count' lines");
    }
    if (line != null && !line.isBlank()) {
      pushBack = line;
      lineNo--;
    }
    return counts.stream().mapToLong(Long::longValue).toArray();
  }

  private Level readSection(int k, int order, long count, WordIndex index, List<String> words)
      throws IOException {
    Level level = new Level(k, (int) count, k < order, lineNo);
    int[] ids = new int[k];
    for (long i = 0; i < count; i++) {
      String line = nextLine();
      if (line == null) {
        throw error(
            "the \\"
                + k
                + "-grams: section is cut short: the file ends after "
                + i
                + " of the "
                + count
                + " n-grams that the header declares");
      }
      String[] fields = fields(line);
      if (fields.length == 0 || fields[0].startsWith("\\")) {
        throw error(
            "the \\"
                + k
                + "-grams: section has "
                + i
                + " n-grams but the header declares ngram "
                + k
                + "="
                + count);
      }
      if (fields.length < k + 1 || fields.length > k + (k < order ? 2 : 1)) {
        throw error(
            "expected log10 probability, "
                + k
                + (k == 1 ? " word" : " words")
                + (k < order ? " and an optional back-off" : "")
                + " but found '"
                + abbreviate(line)
                + "'");
      }
      float p = number(fields[0], "log10 probability");
      if (p > 0) {
        // KenLM's default, positive_log_probability = THROW_UP; back-offs are not probabilities and
        // may be positive.
        throw error(aboveZero(fields[0]));
      }
      float b = fields.length == k + 2 ? number(fields[k + 1], "log10 back-off") : 0f;
      for (int j = 0; j < k; j++) {
        String w = fields[1 + j];
        if (k == 1) {
          ids[j] = index.add(w);
          if (ids[j] < 0) {
            throw error("duplicate 1-gram '" + abbreviate(w) + "'");
          }
          words.add(w);
        } else {
          ids[j] = index.get(w);
          if (ids[j] < 0) {
            throw error("word '" + abbreviate(w) + "' is not among the 1-grams");
          }
        }
      }
      level.add(ids, p, b, lineNo);
    }
    String after = nextLine();
    if (after != null && !after.isBlank() && !after.strip().startsWith("\\")) {
      throw error(
          "the \\"
              + k
              + "-grams: section has more n-grams than the header's ngram "
              + k
              + "="
              + count);
    }
    if (after != null) {
      pushBack = after;
      lineNo--;
    }
    return level;
  }

  /**
   * Gives every order {@code k >= 2} its sorted keys (suffix index, first word). Where an n-gram's
   * suffix is missing from order {@code k-1}, adds it there as a blank and relinks from that order
   * up.
   */
  private void linkLevels(Level[] levels) {
    int k = 2;
    while (k < levels.length) {
      Set<String> missing = levels[k].link(levels);
      if (missing.isEmpty()) {
        levels[k].sortByKey(name);
        k++;
        continue;
      }
      for (String tuple : missing) {
        int[] ids = Arrays.stream(tuple.split(" ")).mapToInt(Integer::parseInt).toArray();
        levels[k - 1].add(ids, Float.NaN, 0f, -1);
      }
      k = Math.max(2, k - 1);
    }
  }

  /**
   * One order's n-grams while reading: word ids, values and source lines, then keys once linked.
   */
  private static final class Level {
    final int k;
    final boolean hasBackoff;
    final long headerLine;
    int size;
    int[] words;
    float[] prob;
    float[] backoff;
    long[] lines;
    long[] keys;

    Level(int k, int capacity, boolean hasBackoff, long headerLine) {
      this.k = k;
      this.hasBackoff = hasBackoff;
      this.headerLine = headerLine;
      words = new int[Math.max(1, capacity) * k];
      prob = new float[Math.max(1, capacity)];
      backoff = new float[hasBackoff ? Math.max(1, capacity) : 0];
      lines = new long[Math.max(1, capacity)];
    }

    void add(int[] ids, float p, float b, long line) {
      if (size == prob.length) {
        int capacity = size + Math.max(16, size / 8);
        words = Arrays.copyOf(words, capacity * k);
        prob = Arrays.copyOf(prob, capacity);
        backoff = hasBackoff ? Arrays.copyOf(backoff, capacity) : backoff;
        lines = Arrays.copyOf(lines, capacity);
      }
      System.arraycopy(ids, 0, words, size * k, k);
      prob[size] = p;
      if (hasBackoff) {
        backoff[size] = b;
      }
      lines[size] = line;
      size++;
    }

    /**
     * Computes every key from the linked lower orders; returns the suffixes missing from order k-1.
     */
    Set<String> link(Level[] levels) {
      keys = new long[size];
      Set<String> missing = new LinkedHashSet<>();
      for (int i = 0; i < size; i++) {
        int base = i * k;
        // The suffix words[base+1 .. base+k-1], found from its last word leftwards.
        int at = words[base + k - 1];
        for (int j = 2; j <= k - 1 && at >= 0; j++) {
          at = levels[j].find(at, words[base + k - j]);
        }
        if (at < 0) {
          StringBuilder tuple = new StringBuilder();
          for (int j = 1; j < k; j++) {
            tuple.append(j > 1 ? " " : "").append(words[base + j]);
          }
          missing.add(tuple.toString());
        } else {
          keys[i] = ArpaModel.key(at, words[base]);
        }
      }
      return missing;
    }

    int find(int suffix, int first) {
      int i = Arrays.binarySearch(keys, 0, size, ArpaModel.key(suffix, first));
      return i < 0 ? -1 : i;
    }

    void sortByKey(String name) {
      long[] keyArray = keys;
      int[] order = IndexSort.sort(size, (a, b) -> Long.compare(keyArray[a], keyArray[b]));
      long[] sortedKeys = new long[size];
      int[] sortedWords = new int[size * k];
      float[] sortedProb = new float[size];
      float[] sortedBackoff = new float[hasBackoff ? size : 0];
      long[] sortedLines = new long[size];
      for (int i = 0; i < size; i++) {
        int from = order[i];
        sortedKeys[i] = keys[from];
        System.arraycopy(words, from * k, sortedWords, i * k, k);
        sortedProb[i] = prob[from];
        if (hasBackoff) {
          sortedBackoff[i] = backoff[from];
        }
        sortedLines[i] = lines[from];
        if (i > 0 && sortedKeys[i] == sortedKeys[i - 1]) {
          throw Errors.badArpa(
              name,
              Math.max(sortedLines[i], sortedLines[i - 1]),
              "duplicate "
                  + k
                  + "-gram (also on line "
                  + Math.min(sortedLines[i], sortedLines[i - 1])
                  + ")");
        }
      }
      keys = sortedKeys;
      words = sortedWords;
      prob = sortedProb;
      backoff = sortedBackoff;
      lines = sortedLines;
    }
  }

  private String pushBack;

  private String nextLine() throws IOException {
    lineNo++;
    if (pushBack != null) {
      String line = pushBack;
      pushBack = null;
      return line;
    }
    return in.readLine();
  }

  private String nextNonBlank() throws IOException {
    String line = nextLine();
    while (line != null && line.isBlank()) {
      line = nextLine();
    }
    return line;
  }

  /**
   * Splits on tabs and spaces, as ARPA readers do (SRILM writes tabs between fields, spaces between
   * words).
   */
  private static String[] fields(String line) {
    List<String> out = new ArrayList<>(8);
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t' || line.charAt(i) == '\r')) {
        i++;
      }
      int start = i;
      while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t' && line.charAt(i) != '\r') {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out.toArray(new String[0]);
  }

  /**
   * A plain decimal number (sign, digits, point, exponent): Java's parser alone would take "NaN" or
   * "1f".
   */
  private float number(String s, String what) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    int digits = 0;
    while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits > 0 && i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int exp = ++i;
      if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        i++;
        exp++;
      }
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == exp) {
        digits = 0;
      }
    }
    if (digits == 0 || i != n) {
      throw error(what + " '" + abbreviate(s) + "' is not a number");
    }
    return Float.parseFloat(s);
  }

  private int parseInt(String s) {
    long v = parseLong(s);
    return v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  private static long parseLong(String s) {
    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(s);
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private RuntimeException error(String what) {
    return Errors.badArpa(name, lineNo, what);
  }
}
