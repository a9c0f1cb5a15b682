package dev.corral.curation.sentencepiece;

import dev.corral.core.Errors;

/**
 * SentencePiece's normalizer ({@code normalizer.cc}): at each position the user-defined symbol, or
 * else the longest rule of the precompiled charsmap, or else the character itself (a malformed byte
 * becomes U+FFFD) is emitted; then heading, trailing and repeated spaces are removed, a dummy
 * prefix is added and spaces become U+2581, as the model's {@code NormalizerSpec} says.
 */
final class Normalizer {
  private static final byte[] SPACE_SYMBOL = {(byte) 0xe2, (byte) 0x96, (byte) 0x81}; // U+2581
  private static final byte[] REPLACEMENT = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd}; // U+FFFD
  private static final byte[] SPACE = {' '};

  private final DoubleArray rules; // null: no charsmap (identity)
  private final byte[] replacements; // NUL-terminated strings the rules point into
  private final PieceTrie userDefined; // null: none
  private final boolean addDummyPrefix;
  private final boolean removeExtraWhitespaces;
  private final boolean escapeWhitespaces;
  private final boolean whitespaceAsSuffix;
  private final String path;
  private final long charsmapOffset;

  Normalizer(
      DoubleArray rules,
      byte[] replacements,
      PieceTrie userDefined,
      boolean addDummyPrefix,
      boolean removeExtraWhitespaces,
      boolean escapeWhitespaces,
      boolean whitespaceAsSuffix,
      String path,
      long charsmapOffset) {
    this.rules = rules;
    this.replacements = replacements;
    this.userDefined = userDefined;
    this.addDummyPrefix = addDummyPrefix;
    this.removeExtraWhitespaces = removeExtraWhitespaces;
    this.escapeWhitespaces = escapeWhitespaces;
    this.whitespaceAsSuffix = whitespaceAsSuffix;
    this.path = path;
    this.charsmapOffset = charsmapOffset;
  }

  /** Normalizes {@code input[0, length)} into {@code s.normalized[0, s.normalizedLength)}. */
  void normalize(byte[] input, int length, Scratch s) {
    s.normalizedLength = 0;
    int i = 0;
    if (removeExtraWhitespaces) { // heading spaces
      while (i < length) {
        prefix(input, i, length, s);
        if (s.prefixLength != 1 || s.prefixBytes[s.prefixOffset] != ' ') {
          break;
        }
        i += s.prefixConsumed;
      }
    }
    if (i == length) {
      return;
    }
    s.reserveNormalized(3 * (length - i) + 8);
    if (!whitespaceAsSuffix && addDummyPrefix) {
      addSpace(s);
    }
    boolean previousSpace = removeExtraWhitespaces;
    while (i < length) {
      prefix(input, i, length, s);
      byte[] bytes = s.prefixBytes;
      int from = s.prefixOffset;
      int to = from + s.prefixLength;
      while (previousSpace && from < to && bytes[from] == ' ') {
        from++;
      }
      if (from < to) {
        s.reserveNormalized(3 * (to - from));
        byte[] out = s.normalized;
        int n = s.normalizedLength;
        for (int k = from; k < to; k++) {
          byte b = bytes[k];
          if (b == ' ' && escapeWhitespaces) {
            out[n++] = SPACE_SYMBOL[0];
            out[n++] = SPACE_SYMBOL[1];
            out[n++] = SPACE_SYMBOL[2];
          } else {
            out[n++] = b;
          }
        }
        s.normalizedLength = n;
        previousSpace = bytes[to - 1] == ' ';
      }
      i += s.prefixConsumed;
      if (!removeExtraWhitespaces) {
        previousSpace = false;
      }
    }
    if (removeExtraWhitespaces) { // trailing spaces
      byte[] space = escapeWhitespaces ? SPACE_SYMBOL : SPACE;
      while (endsWith(s.normalized, s.normalizedLength, space)) {
        s.normalizedLength -= space.length;
      }
    }
    if (whitespaceAsSuffix && addDummyPrefix) {
      s.reserveNormalized(3);
      addSpace(s);
    }
  }

  /**
   * What the input at {@code i} becomes and how many bytes it consumes ({@code NormalizePrefix}).
   */
  private void prefix(byte[] input, int i, int length, Scratch s) {
    if (userDefined != null) {
      int matched = userDefined.longestPrefix(input, i, length);
      if (matched > 0) {
        set(s, input, i, matched, matched);
        return;
      }
    }
    if (rules != null) {
      long longest = rules.longestPrefix(input, i, length);
      if (longest != 0) {
        int value = (int) (longest >>> 32);
        if (value >= replacements.length) {
          throw Errors.badSentencePieceModel(
              path, charsmapOffset, "a normalization rule points past the charsmap's strings");
        }
        int end = value;
        while (end < replacements.length && replacements[end] != 0) {
          end++;
        }
        set(s, replacements, value, end - value, (int) longest);
        return;
      }
    }
    int valid = Utf8.validLength(input, i, length);
    if (valid == 0) {
      set(s, REPLACEMENT, 0, 3, 1);
    } else {
      set(s, input, i, valid, valid);
    }
  }

  private static void set(Scratch s, byte[] bytes, int offset, int length, int consumed) {
    s.prefixBytes = bytes;
    s.prefixOffset = offset;
    s.prefixLength = length;
    s.prefixConsumed = consumed;
  }

  private void addSpace(Scratch s) {
    if (escapeWhitespaces) {
      System.arraycopy(SPACE_SYMBOL, 0, s.normalized, s.normalizedLength, 3);
      s.normalizedLength += 3;
    } else {
      s.normalized[s.normalizedLength++] = ' ';
    }
  }

  private static boolean endsWith(byte[] s, int length, byte[] suffix) {
    if (length < suffix.length) {
      return false;
    }
    for (int k = 0; k < suffix.length; k++) {
      if (s[length - suffix.length + k] != suffix[k]) {
        return false;
      }
    }
    return true;
  }
}
