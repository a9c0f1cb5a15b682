package dev.corral.core.text;

/** UTF-8 written a code point at a time into a caller's buffer, for loops that build bytes. */
public final class Utf8 {
  private Utf8() {}

  /**
   * Writes the UTF-8 of {@code cp} at {@code out[at]} (room for 4 bytes needed) and returns the
   * position after it; a lone surrogate becomes {@code ?}, as {@code String.getBytes} writes it.
   */
  public static int put(int cp, byte[] out, int at) {
    if (cp < 0x80) {
      out[at++] = (byte) cp;
    } else if (cp < 0x800) {
      out[at++] = (byte) (0xC0 | (cp >>> 6));
      out[at++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      if (Character.isSurrogate((char) cp)) {
        out[at++] = '?';
      } else {
        out[at++] = (byte) (0xE0 | (cp >>> 12));
        out[at++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (cp & 0x3F));
      }
    } else {
      out[at++] = (byte) (0xF0 | (cp >>> 18));
      out[at++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
      out[at++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
      out[at++] = (byte) (0x80 | (cp & 0x3F));
    }
    return at;
  }
}
