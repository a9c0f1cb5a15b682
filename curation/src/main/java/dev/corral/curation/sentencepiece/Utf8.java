package dev.corral.curation.sentencepiece;

/** UTF-8 as SentencePiece's {@code string_util} reads it. */
final class Utf8 {
  private Utf8() {}

  /** The length a lead byte announces ({@code OneCharLen}): 1 for ASCII and stray bytes. */
  static int oneCharLength(byte lead) {
    int high = (lead & 0xff) >>> 4;
    return high < 12 ? 1 : high < 14 ? 2 : high == 14 ? 3 : 4;
  }

  /**
   * The length of the valid character at {@code from}, or 0 when it is malformed ({@code
   * IsValidDecodeUTF8}): overlong forms, surrogates and code points above U+10FFFF are malformed.
   */
  static int validLength(byte[] s, int from, int to) {
    int b0 = s[from] & 0xff;
    int left = to - from;
    if (b0 < 0x80) {
      return 1;
    } else if ((b0 & 0xe0) == 0xc0) {
      if (left >= 2 && trail(s[from + 1])) {
        int cp = (b0 & 0x1f) << 6 | (s[from + 1] & 0x3f);
        return cp >= 0x80 ? 2 : 0;
      }
    } else if ((b0 & 0xf0) == 0xe0) {
      if (left >= 3 && trail(s[from + 1]) && trail(s[from + 2])) {
        int cp = (b0 & 0x0f) << 12 | (s[from + 1] & 0x3f) << 6 | (s[from + 2] & 0x3f);
        return cp >= 0x800 && (cp < 0xd800 || cp >= 0xe000) ? 3 : 0;
      }
    } else if ((b0 & 0xf8) == 0xf0) {
      if (left >= 4 && trail(s[from + 1]) && trail(s[from + 2]) && trail(s[from + 3])) {
        int cp =
            (b0 & 0x07) << 18
                | (s[from + 1] & 0x3f) << 12
                | (s[from + 2] & 0x3f) << 6
                | (s[from + 3] & 0x3f);
        return cp >= 0x10000 && cp <= 0x10ffff ? 4 : 0;
      }
    }
    return 0;
  }

  private static boolean trail(byte b) {
    return (b & 0xc0) == 0x80;
  }

  /**
   * Encodes {@code text} as UTF-8 into {@code out} (at least 3 bytes per char) and returns the
   * length; an unpaired surrogate becomes U+FFFD, as no UTF-8 can hold it.
   */
  static int encode(String text, byte[] out) {
    int n = 0;
    for (int i = 0, len = text.length(); i < len; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        out[n++] = (byte) c;
      } else if (c < 0x800) {
        out[n++] = (byte) (0xc0 | c >> 6);
        out[n++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < len
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        out[n++] = (byte) (0xf0 | cp >> 18);
        out[n++] = (byte) (0x80 | (cp >> 12 & 0x3f));
        out[n++] = (byte) (0x80 | (cp >> 6 & 0x3f));
        out[n++] = (byte) (0x80 | (cp & 0x3f));
      } else {
        if (Character.isSurrogate(c)) {
          c = '\ufffd';
        }
        out[n++] = (byte) (0xe0 | c >> 12);
        out[n++] = (byte) (0x80 | (c >> 6 & 0x3f));
        out[n++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return n;
  }
}
