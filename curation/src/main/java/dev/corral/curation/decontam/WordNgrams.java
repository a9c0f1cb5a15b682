package dev.corral.curation.decontam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Word n-grams as contamination checks compare them (Brown et al. 2020, GPT-3, appendix C: text
 * lowercased, punctuation ignored): a word is a maximal run of Unicode letters, digits and
 * combining marks, lowercased code point by code point; everything else (spaces, line breaks,
 * punctuation, symbols) only separates words. So "The Quick-brown\nfox!" and "the quick brown fox"
 * have the same words, and an overlap matches across line breaks, case and punctuation. Each word
 * is hashed to 64 bits (FNV-1a over its UTF-16 units, then MurmurHash3's finalizer) and each n-gram
 * to 64 bits from its words' hashes; 0 is never a hash, so tables may use it as "empty". Scripts
 * written without spaces (Chinese, Japanese, Thai) make one word of a whole run of letters.
 */
public final class WordNgrams {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private WordNgrams() {}

  /** The normalized words of {@code text}, in order. */
  public static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i <= text.length(); ) {
      int cp = i < text.length() ? text.codePointAt(i) : ' ';
      i += i < text.length() ? Character.charCount(cp) : 1;
      if (isWordChar(cp)) {
        word.appendCodePoint(Character.toLowerCase(cp));
      } else if (word.length() > 0) {
        words.add(word.toString());
        word.setLength(0);
      }
    }
    return words;
  }

  /** The hash of each normalized word of {@code text}, in order (the words of {@link #words}). */
  public static long[] wordHashes(String text) {
    long[] words = new long[16];
    int count = 0;
    long h = FNV_OFFSET;
    boolean inWord = false;
    for (int i = 0; i <= text.length(); ) {
      int cp = i < text.length() ? text.codePointAt(i) : ' ';
      i += i < text.length() ? Character.charCount(cp) : 1;
      if (isWordChar(cp)) {
        int lower = Character.toLowerCase(cp);
        if (lower < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
          h = (h ^ lower) * FNV_PRIME;
        } else {
          h = (h ^ Character.highSurrogate(lower)) * FNV_PRIME;
          h = (h ^ Character.lowSurrogate(lower)) * FNV_PRIME;
        }
        inWord = true;
      } else if (inWord) {
        if (count == words.length) {
          words = Arrays.copyOf(words, count * 2);
        }
        words[count++] = mix(h);
        h = FNV_OFFSET;
        inWord = false;
      }
    }
    return Arrays.copyOf(words, count);
  }

  /**
   * The hash of the n-gram of {@code words} starting at {@code start}: never 0. Equal word
   * sequences give equal hashes.
   */
  public static long gram(long[] words, int start, int n) {
    long g = n;
    for (int k = 0; k < n; k++) {
      g = g * GOLDEN + words[start + k];
    }
    long h = mix(g);
    return h == 0 ? 1 : h;
  }

  /**
   * The sorted, distinct hashes of the word n-grams of {@code text}; none when it has fewer than
   * {@code n} words.
   */
  public static long[] of(String text, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n-gram size must be at least 1, got " + n);
    }
    long[] words = wordHashes(text);
    if (words.length < n) {
      return new long[0];
    }
    long[] grams = new long[words.length - n + 1];
    for (int s = 0; s < grams.length; s++) {
      grams[s] = gram(words, s, n);
    }
    Arrays.sort(grams);
    int w = grams.length == 0 ? 0 : 1;
    for (int i = 1; i < grams.length; i++) {
      if (grams[i] != grams[w - 1]) {
        grams[w++] = grams[i];
      }
    }
    return Arrays.copyOf(grams, w);
  }

  private static boolean isWordChar(int cp) {
    if (Character.isLetterOrDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /** MurmurHash3's fmix64, so that FNV's weak low bits spread over all 64. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
