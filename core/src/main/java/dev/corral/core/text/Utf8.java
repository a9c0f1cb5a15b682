package dev.corral.core.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 written a code point at a time into a caller's buffer, for loops that build bytes, and
 * strict decoding, for readers that skip what is not UTF-8.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * {@code bytes[offset, offset + length)} as a string when they are valid UTF-8 (as Python's
   * {@code bytes.decode("utf-8")} accepts them), else null.
   */
  public static String decode(byte[] bytes, int offset, int length) {
    // The String constructor is the JDK's fast path (ASCII copied in bulk), and it puts U+FFFD
    // for every malformed sequence; only text holding one needs the strict decoder's verdict.
    String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') < 0) {
      return text;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

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
