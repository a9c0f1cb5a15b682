package dev.corral.curation.ccnet;

import dev.corral.core.text.PythonStr;
import dev.corral.core.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * CCNet's line identity for deduplication (Wenzek et al. 2020, section 3.2; cc_net's {@code
 * normalize_for_dedup} in {@code text_normalizer.py} and {@code str_hash} in {@code dedup.py}): a
 * line is normalized, then hashed to the first 8 bytes of the SHA-1 of its UTF-8, read as a
 * little-endian 64-bit integer (numpy's {@code uint64} on the machines CCNet runs on; here as a
 * signed {@code long} with the same bits).
 *
 * <p>Normalization, in CCNet's order: strip Python whitespace at both ends; an empty result stays
 * empty; lower-case (full Unicode mapping, as Python's {@code str.lower}); every Unicode decimal
 * digit (category Nd, Python's {@code \d}) becomes {@code 0}; then {@link #PUNCTUATION} and the
 * control characters U+0000..U+001F and U+007F..U+009F are removed. Values are checked against
 * golden hashes computed in Python from these steps.
 */
public final class LineHashes {
  /** The Unicode punctuation CCNet removes for dedup ({@code UNICODE_PUNCT}'s keys). */
  public static final String PUNCTUATION = "，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％►";

  private static final boolean[] REMOVED = new boolean[0x10000];

  static {
    for (int c = 0; c < 32; c++) {
      REMOVED[c] = true;
    }
    for (int c = 127; c < 160; c++) {
      REMOVED[c] = true;
    }
    for (char c : PUNCTUATION.toCharArray()) {
      REMOVED[c] = true;
    }
  }

  // SHA-1 digesters are not thread-safe and cost a provider lookup to make: one per thread, with
  // the buffer a normalized line's UTF-8 is written into.
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final MessageDigest sha1;
    byte[] utf8 = new byte[1024];

    Scratch() {
      try {
        sha1 = MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-1", e);
      }
    }
  }

  private LineHashes() {}

  /** CCNet's {@code normalize_for_dedup(line)}. */
  public static String normalize(String line) {
    String s = PythonStr.strip(line);
    if (s.isEmpty()) {
      return s;
    }
    s = s.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
        out.append('0');
      } else if (cp >= REMOVED.length || !REMOVED[cp]) {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  /** CCNet's {@code str_hash(normalize_for_dedup(line))}. */
  public static long hash(String line) {
    Scratch scratch = SCRATCH.get();
    int n = normalizedUtf8(PythonStr.strip(line), scratch);
    if (n < 0) {
      byte[] bytes = normalize(line).getBytes(StandardCharsets.UTF_8);
      scratch.sha1.update(bytes, 0, bytes.length);
    } else {
      scratch.sha1.update(scratch.utf8, 0, n);
    }
    byte[] digest = scratch.sha1.digest();
    long h = 0;
    for (int i = 7; i >= 0; i--) {
      h = (h << 8) | (digest[i] & 0xFF);
    }
    return h;
  }

  /**
   * {@link #normalize}'s steps after the strip, one code point at a time, the result's UTF-8 in
   * {@code scratch.utf8}; returns its length, or -1 for a line with İ or Σ, whose lower case
   * depends on more than the character (İ becomes two characters, Σ a final ς at a word's end).
   */
  private static int normalizedUtf8(String s, Scratch scratch) {
    byte[] out = scratch.utf8;
    if (out.length < 3 * s.length()) {
      out = scratch.utf8 = new byte[Math.max(3 * s.length(), 2 * out.length)];
    }
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == 0x130 || cp == 0x3A3) {
        return -1;
      }
      cp = Character.toLowerCase(cp);
      boolean digit =
          cp < 0x80
              ? cp >= '0' && cp <= '9'
              : Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
      if (digit) {
        out[n++] = '0';
      } else if (cp >= REMOVED.length || !REMOVED[cp]) {
        n = Utf8.put(cp, out, n);
      }
    }
    return n;
  }

  /**
   * The hash of each line of {@code text} split on {@code \n}, as CCNet's {@code compute_hashes}.
   */
  public static long[] ofLines(String[] lines) {
    long[] hashes = new long[lines.length];
    for (int i = 0; i < lines.length; i++) {
      hashes[i] = hash(lines[i]);
    }
    return hashes;
  }
}
