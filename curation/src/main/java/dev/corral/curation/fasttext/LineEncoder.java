package dev.corral.curation.fasttext;

import dev.corral.core.text.WordCache;
import java.util.Arrays;

/**
 * Turns one line of raw bytes into input rows and label ids, as fastText's {@code
 * Dictionary::getLine} does for supervised models: each word's row and char n-gram rows in token
 * order, then the word n-gram rows; tokens starting with the label prefix become labels. Reused
 * line after line; not thread-safe.
 */
final class LineEncoder {
  private final Dictionary dict;
  private final byte[] labelPrefix;

  /** Input-matrix rows of the line (fastText's {@code words}). */
  final IntList ids = new IntList(256);

  /** Label indices of the line, in [0, nlabels). */
  final IntList labels = new IntList(4);

  /** Tokens read, as fastText counts them for its learning-rate schedule. */
  int tokens;

  private final IntList wordHashes = new IntList(64);
  private byte[] scratch = new byte[256];
  // The char n-gram rows of out-of-vocabulary words seen lately: 65,536 slots, about 10 MB when
  // full, enough for the running words of a few languages. The rows are computeSubwords' in its
  // order, so predictions stay bit for bit fastText's.
  private final WordCache subwords = new WordCache(16, 48);

  LineEncoder(Dictionary dict, byte[] labelPrefix) {
    this.dict = dict;
    this.labelPrefix = labelPrefix;
  }

  /**
   * Encodes the tokens of {@code line[from, to)}, then the end-of-sentence token when {@code
   * newline} says the line ended with '\n'. A literal {@code </s>} token ends the line early, as in
   * fastText: the return value is then the offset right after it; otherwise -1.
   */
  int encode(byte[] line, int from, int to, boolean newline) {
    ids.clear();
    labels.clear();
    wordHashes.clear();
    tokens = 0;
    int next = -1;
    int i = from;
    while (i < to) {
      if (isSpace(line[i])) {
        i++;
        continue;
      }
      int start = i;
      while (i < to && !isSpace(line[i])) {
        i++;
      }
      if (addToken(line, start, i)) {
        next = i;
        break;
      }
    }
    if (next < 0 && newline) {
      addToken(Dictionary.EOS, 0, Dictionary.EOS.length);
    }
    dict.addWordNgrams(ids, wordHashes);
    return next;
  }

  /** fastText's token separators besides '\n': space, '\r', '\t', '\v', '\f' and NUL. */
  static boolean isSpace(byte c) {
    return c == ' ' || c == '\r' || c == '\t' || c == 0x0b || c == '\f' || c == 0;
  }

  /**
   * Adds one token's rows or label; returns true when the token is {@code </s>} (which ends a
   * line).
   */
  private boolean addToken(byte[] s, int from, int to) {
    tokens++;
    int h = Dictionary.hash(s, from, to);
    int wid = dict.find(s, from, to, h);
    boolean label =
        wid < 0 ? hasLabelPrefix(s, from, to) : dict.types[wid] == Dictionary.TYPE_LABEL;
    boolean eos = Dictionary.isEos(s, from, to);
    if (label) {
      if (wid >= 0) {
        labels.add(wid - dict.nwords);
      }
    } else {
      if (wid >= 0) {
        if (dict.maxn <= 0) {
          ids.add(wid);
        } else {
          ids.addAll(dict.subwords[wid]);
        }
      } else if (!eos) {
        addSubwords(s, from, to, h);
      }
      wordHashes.add(h);
    }
    return eos;
  }

  /** An out-of-vocabulary word's char n-gram rows, from the cache when the word was seen lately. */
  private void addSubwords(byte[] s, int from, int to, int h) {
    int[] cached = subwords.get(s, from, to, h);
    if (cached != null) {
      ids.addAll(cached);
      return;
    }
    int start = ids.size;
    scratch = Dictionary.withBoundaries(s, from, to, scratch);
    dict.computeSubwords(scratch, to - from + 2, ids);
    if (subwords.keeps(to - from)) {
      subwords.put(s, from, to, h, Arrays.copyOfRange(ids.data, start, ids.size));
    }
  }

  private boolean hasLabelPrefix(byte[] s, int from, int to) {
    return to - from >= labelPrefix.length
        && Arrays.equals(s, from, from + labelPrefix.length, labelPrefix, 0, labelPrefix.length);
  }
}
