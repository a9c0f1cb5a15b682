package dev.corral.curation.sources.stackexchange;

/**
 * Strict UTF-8 validation, as Python's decoder judges it (no overlong forms, no surrogates, nothing
 * above U+10FFFF): a line that fails is malformed, where Java's decoder would substitute U+FFFD.
 */
final class Utf8 {
  private Utf8() {}

  /** Whether {@code b[0, length)} is well-formed UTF-8. */
  static boolean isValid(byte[] b, int length) {
    int i = 0;
    while (i < length) {
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      int n;
      int min;
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + n >= length) {
        return false;
      }
      int cp = c & (0x3F >> n);
      for (int k = 1; k <= n; k++) {
        int cont = b[i + k] & 0xFF;
        if ((cont & 0xC0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cont & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }
}
