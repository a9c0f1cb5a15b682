package dev.corral.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test
  void writesWhatStringGetBytesWritesForEveryCodePoint() {
    byte[] out = new byte[4];
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      byte[] expected = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      int n = Utf8.put(cp, out, 0);
      assertArrayEquals(expected, Arrays.copyOf(out, n), "U+" + Integer.toHexString(cp));
    }
  }

  @Test
  void decodesWhatTheStrictDecoderAcceptsAndNothingElse() {
    byte[][] pieces = {
      "ascii ".getBytes(StandardCharsets.UTF_8),
      "é中😀".getBytes(StandardCharsets.UTF_8),
      "\uFFFD".getBytes(StandardCharsets.UTF_8), // a real replacement character is valid
      {(byte) 0x80}, // a lone continuation byte
      {(byte) 0xC0, (byte) 0xAF}, // overlong
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xE2, (byte) 0x82}, // cut short
    };
    Random random = new Random(5);
    int valid = 0;
    for (int t = 0; t < 20_000; t++) {
      byte[] bytes = new byte[0];
      for (int k = random.nextInt(6); k > 0; k--) {
        byte[] piece = pieces[random.nextInt(random.nextInt(4) == 0 ? pieces.length : 3)];
        bytes = Arrays.copyOf(bytes, bytes.length + piece.length);
        System.arraycopy(piece, 0, bytes, bytes.length - piece.length, piece.length);
      }
      int offset = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      String expected = strict(bytes, offset, bytes.length - offset);
      valid += expected == null ? 0 : 1;
      assertEquals(
          expected, Utf8.decode(bytes, offset, bytes.length - offset), Arrays.toString(bytes));
    }
    assertTrue(valid > 5_000 && valid < 15_000, "both kinds tried: " + valid);
    assertNull(Utf8.decode(new byte[] {'a', (byte) 0xFF}, 0, 2));
  }

  /** The JDK's decoder, which reports malformed input unless told otherwise. */
  private static String strict(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
