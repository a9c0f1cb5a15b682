package dev.corral.curation.fasttext;

import dev.corral.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Counts the tokens of a training file and keeps those frequent enough, as fastText's {@code
 * Dictionary::readFromFile} and {@code threshold} do: words first, then labels, each by decreasing
 * count (ties in order of first appearance), then char n-grams for every word.
 */
final class VocabularyBuilder {
  /** fastText's MAX_VOCAB_SIZE: past 75% of it, rare entries are pruned while reading. */
  private static final int MAX_VOCAB = 30_000_000;

  private final byte[] labelPrefix;
  private byte[][] words = new byte[1024][];
  private long[] counts = new long[1024];
  private int[] table = new int[2048];
  private int size;
  private long ntokens;

  VocabularyBuilder(byte[] labelPrefix) {
    this.labelPrefix = labelPrefix;
    Arrays.fill(table, -1);
  }

  /** Reads whitespace-separated tokens; every '\n' counts as the token {@code </s>}. */
  void read(InputStream in, String path) throws IOException {
    byte[] buf = new byte[1 << 16];
    byte[] token = new byte[256];
    int len = 0;
    long minThreshold = 1;
    int n;
    while ((n = in.read(buf)) > 0) {
      for (int i = 0; i < n; i++) {
        byte c = buf[i];
        if (c == '\n' || LineEncoder.isSpace(c)) {
          if (len > 0) {
            add(token, len);
            len = 0;
          }
          if (c == '\n') {
            add(Dictionary.EOS, Dictionary.EOS.length);
          }
          if (size > 0.75 * MAX_VOCAB) {
            threshold(++minThreshold, minThreshold);
          }
        } else {
          if (len == token.length) {
            token = Arrays.copyOf(token, len * 2);
          }
          token[len++] = c;
        }
      }
    }
    if (len > 0) {
      add(token, len);
    }
    if (size == 0) {
      throw Errors.badInput(path, "no token to learn from (empty training file)");
    }
  }

  /** Adds the pretrained vectors' words once each, as fastText does before thresholding. */
  void addWord(byte[] word) {
    add(word, word.length);
  }

  private void add(byte[] token, int len) {
    ntokens++;
    int h = Dictionary.hash(token, 0, len);
    int slot = Integer.remainderUnsigned(h, table.length);
    while (table[slot] != -1) {
      int id = table[slot];
      if (Arrays.equals(words[id], 0, words[id].length, token, 0, len)) {
        counts[id]++;
        return;
      }
      slot = slot + 1 == table.length ? 0 : slot + 1;
    }
    if (size == words.length) {
      words = Arrays.copyOf(words, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
    }
    words[size] = Arrays.copyOf(token, len);
    counts[size] = 1;
    table[slot] = size++;
    if (size * 2 > table.length) {
      rehash(table.length * 2);
    }
  }

  private void rehash(int capacity) {
    table = new int[capacity];
    Arrays.fill(table, -1);
    for (int id = 0; id < size; id++) {
      int slot =
          Integer.remainderUnsigned(Dictionary.hash(words[id], 0, words[id].length), capacity);
      while (table[slot] != -1) {
        slot = slot + 1 == capacity ? 0 : slot + 1;
      }
      table[slot] = id;
    }
  }

  private boolean isLabel(byte[] w) {
    return w.length >= labelPrefix.length
        && Arrays.equals(w, 0, labelPrefix.length, labelPrefix, 0, labelPrefix.length);
  }

  /**
   * Drops words seen fewer than {@code minCount} times and labels fewer than {@code minCountLabel}.
   */
  private void threshold(long minCount, long minCountLabel) {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    // fastText sorts words before labels, each by decreasing count; a stable sort breaks ties by
    // appearance.
    Arrays.sort(
        order,
        (a, b) -> {
          boolean la = isLabel(words[a]);
          boolean lb = isLabel(words[b]);
          if (la != lb) {
            return la ? 1 : -1;
          }
          return Long.compare(counts[b], counts[a]);
        });
    byte[][] keptWords = new byte[size][];
    long[] keptCounts = new long[size];
    int kept = 0;
    for (int id : order) {
      if (counts[id] >= (isLabel(words[id]) ? minCountLabel : minCount)) {
        keptWords[kept] = words[id];
        keptCounts[kept++] = counts[id];
      }
    }
    words = keptWords;
    counts = keptCounts;
    size = kept;
    rehash(Math.max(2048, Integer.highestOneBit(Math.max(1, size)) * 4));
  }

  /** The final dictionary for these args. */
  Dictionary build(TrainingArgs args, String path) {
    threshold(args.minCount, args.minCountLabel);
    int nwords = 0;
    byte[] types = new byte[size];
    for (int i = 0; i < size; i++) {
      types[i] = isLabel(words[i]) ? Dictionary.TYPE_LABEL : Dictionary.TYPE_WORD;
      if (types[i] == Dictionary.TYPE_WORD) {
        nwords++;
      }
    }
    if (size == 0) {
      throw Errors.badInput(path, "empty vocabulary: try a smaller minCount");
    }
    if (size - nwords == 0) {
      throw Errors.badInput(
          path, "no label with the prefix '" + args.label + "' in the training data");
    }
    return Dictionary.of(
        Arrays.copyOf(words, size),
        Arrays.copyOf(counts, size),
        types,
        nwords,
        size - nwords,
        ntokens,
        args.modelArgs());
  }
}
