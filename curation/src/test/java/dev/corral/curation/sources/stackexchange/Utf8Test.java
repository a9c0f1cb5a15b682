package dev.corral.curation.sources.stackexchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Utf8 rejects what a strict decoder rejects (Python's, and Java's with REPORT), nothing else. */
class Utf8Test {
  @Test
  void agreesWithAStrictDecoderOnEdgeCasesAndRandomBytes() {
    byte[][] cases = {
      {'a'},
      {(byte) 0xC3, (byte) 0xA9},
      {(byte) 0xC0, (byte) 0x80},
      {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xE2, (byte) 0x82},
      {(byte) 0x80},
      {(byte) 0xEF, (byte) 0xBF, (byte) 0xBE}
    };
    for (byte[] c : cases) {
      assertEquals(strict(c), Utf8.isValid(c, c.length), java.util.Arrays.toString(c));
    }
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      byte[] b = new byte[1 + random.nextInt(6)];
      random.nextBytes(b);
      assertEquals(strict(b), Utf8.isValid(b, b.length), java.util.Arrays.toString(b));
    }
  }

  private static boolean strict(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
