package dev.corral.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
}
