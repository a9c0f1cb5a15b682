package dev.corral.curation.ccnet;

import dev.corral.core.text.PythonStr;
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

  // SHA-1 digesters are not thread-safe and cost a provider lookup to make: one per thread.
  private static final ThreadLocal<MessageDigest> SHA1 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every Java runtime has SHA-1", e);
            }
          });

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
    byte[] digest = SHA1.get().digest(normalize(line).getBytes(StandardCharsets.UTF_8));
    long h = 0;
    for (int i = 7; i >= 0; i--) {
      h = (h << 8) | (digest[i] & 0xFF);
    }
    return h;
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
