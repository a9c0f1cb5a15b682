package dev.corral.curation.dedup;

import java.util.Arrays;

/**
 * The shingle set of a document for near-duplicate search (Broder 1997): the text is normalized,
 * cut into word n-grams (or character n-grams) and each n-gram is hashed to 64 bits; the result is
 * sorted and distinct, so that Jaccard similarity is a merge of two arrays.
 *
 * <p>Normalization, as dedup pipelines do it (DataTrove's and NeMo Curator's "simplified text"):
 * lower case; every Unicode decimal digit becomes {@code 0}; punctuation (Unicode categories P*) is
 * removed; words are the runs between whitespace. Character n-grams are taken over the normalized
 * words joined by one space. A text with fewer words (characters) than {@code n} gives one shingle
 * of all of them; a text with none gives no shingle.
 */
public final class Shingles {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final int SPACE = -1; // fold(): a code point that separates words
  private static final int REMOVED = -2; // fold(): a code point that normalization drops

  private Shingles() {}

  /**
   * The sorted, distinct 64-bit hashes of the word ({@code chars} false) or character n-grams of
   * {@code text}.
   */
  public static long[] of(String text, int n, boolean chars) {
    if (n < 1) {
      throw new IllegalArgumentException("n-gram size must be at least 1, got " + n);
    }
    long[] hashes = chars ? charGrams(normalize(text), n) : wordGrams(wordHashes(text), n);
    Arrays.sort(hashes);
    return distinct(hashes);
  }

  /** The normalized words of {@code text} joined by single spaces. */
  public static String normalize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean space = true;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      int folded = fold(cp);
      if (folded == SPACE) {
        space = true;
      } else if (folded != REMOVED) {
        if (space && out.length() > 0) {
          out.append(' ');
        }
        space = false;
        out.appendCodePoint(folded);
      }
    }
    return out.toString();
  }

  /**
   * The normalization of one code point: {@link #SPACE}, {@link #REMOVED} (punctuation), or what it
   * becomes.
   */
  private static int fold(int cp) {
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return SPACE;
    }
    int type = Character.getType(cp);
    if (isPunctuation(type)) {
      return REMOVED;
    }
    return type == Character.DECIMAL_DIGIT_NUMBER ? '0' : Character.toLowerCase(cp);
  }

  private static boolean isPunctuation(int type) {
    return type == Character.CONNECTOR_PUNCTUATION
        || type == Character.DASH_PUNCTUATION
        || type == Character.START_PUNCTUATION
        || type == Character.END_PUNCTUATION
        || type == Character.INITIAL_QUOTE_PUNCTUATION
        || type == Character.FINAL_QUOTE_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION;
  }

  /**
   * The hash of each normalized word of {@code text}, in order, in one pass and without building
   * the normalized text: the same words as {@link #normalize} gives, each hashed over its UTF-16
   * units.
   */
  private static long[] wordHashes(String text) {
    long[] words = new long[16];
    int count = 0;
    long h = FNV_OFFSET;
    boolean inWord = false;
    for (int i = 0; i <= text.length(); ) {
      int cp = i < text.length() ? text.codePointAt(i) : ' ';
      i += i < text.length() ? Character.charCount(cp) : 1;
      int folded = fold(cp);
      if (folded == SPACE) {
        if (inWord) {
          if (count == words.length) {
            words = Arrays.copyOf(words, count * 2);
          }
          words[count++] = mix(h);
          h = FNV_OFFSET;
          inWord = false;
        }
        continue;
      }
      if (folded == REMOVED) {
        continue;
      }
      inWord = true;
      if (folded < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
        h = (h ^ folded) * FNV_PRIME;
      } else {
        h = (h ^ Character.highSurrogate(folded)) * FNV_PRIME;
        h = (h ^ Character.lowSurrogate(folded)) * FNV_PRIME;
      }
    }
    return Arrays.copyOf(words, count);
  }

  private static long[] wordGrams(long[] words, int n) {
    int count = words.length;
    if (count == 0) {
      return words;
    }
    int shingles = Math.max(1, count - n + 1);
    int width = Math.min(n, count);
    long[] out = new long[shingles];
    for (int s = 0; s < shingles; s++) {
      long g = width;
      for (int k = 0; k < width; k++) {
        g = g * GOLDEN + words[s + k];
      }
      out[s] = mix(g);
    }
    return out;
  }

  private static long[] charGrams(String normalized, int n) {
    int len = normalized.length();
    if (len == 0) {
      return new long[0];
    }
    int shingles = Math.max(1, len - n + 1);
    int width = Math.min(n, len);
    long[] out = new long[shingles];
    for (int s = 0; s < shingles; s++) {
      long h = FNV_OFFSET;
      for (int k = 0; k < width; k++) {
        h = (h ^ normalized.charAt(s + k)) * FNV_PRIME;
      }
      out[s] = mix(h);
    }
    return out;
  }

  /**
   * A strong 64-bit finalizer (MurmurHash3's fmix64), so that FNV's weak low bits spread over all
   * 64.
   */
  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static long[] distinct(long[] sorted) {
    if (sorted.length < 2) {
      return sorted;
    }
    int w = 1;
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] != sorted[w - 1]) {
        sorted[w++] = sorted[i];
      }
    }
    return w == sorted.length ? sorted : Arrays.copyOf(sorted, w);
  }
}
