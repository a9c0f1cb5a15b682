package dev.corral.curation.ccnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.text.PythonStr;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden values in {@code ccnet/normalize-for-dedup.jsonl}: computed with Python 3.11 by a short
 * script that applies the steps of cc_net's {@code normalize_for_dedup} and {@code str_hash}
 * (str.strip, str.lower, {@code re.sub(r"\d", "0")}, removal of the punctuation and control
 * characters, SHA-1 with hashlib, the first 8 bytes little-endian).
 */
class LineHashesTest {
  @Test
  void matchesPythonGoldenValues() throws IOException {
    ObjectMapper json = new ObjectMapper();
    int n = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                LineHashesTest.class.getResourceAsStream("/ccnet/normalize-for-dedup.jsonl"),
                StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; n++) {
        JsonNode g = json.readTree(line);
        String text = g.get("line").asText();
        assertEquals(g.get("normalized").asText(), LineHashes.normalize(text), "normalize " + line);
        assertEquals(g.get("hash").asLong(), LineHashes.hash(text), "hash " + line);
      }
    }
    assertTrue(n >= 20, "golden file has " + n + " lines");
  }

  @Test
  void theHashIsTheSha1OfTheNormalizedLineOnEveryKindOfCharacter() throws Exception {
    java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
    List<String> lines = new java.util.ArrayList<>();
    lines.addAll(
        List.of(
            "", " ", "İstanbul 42", "ΣΟΦΟΣ Σ σ", "x\ud800y", "\udc00", "a\u0085b\u007f", "٣٤ ১২"));
    java.util.Random random = new java.util.Random(11);
    int[] pool = {
      'A', 'z', '7', ' ', '\t', 0x7f, 0x9f, 0xc0, 0x130, 0x3a3, 0x3c3, 0x660, 0x9e6, 0xff11, 0x2014,
      0x3002, 0xd800, 0xdfff, 0x1f600, 0x10400, 0x1e9e, 0x212a, 0xff21, 0x0345
    };
    for (int i = 0; i < 2000; i++) {
      StringBuilder line = new StringBuilder();
      for (int k = random.nextInt(12); k > 0; k--) {
        line.appendCodePoint(
            random.nextBoolean() ? pool[random.nextInt(pool.length)] : random.nextInt(0x30000));
      }
      lines.add(line.toString());
    }
    for (String line : lines) {
      byte[] digest = sha1.digest(LineHashes.normalize(line).getBytes(StandardCharsets.UTF_8));
      long expected = 0;
      for (int i = 7; i >= 0; i--) {
        expected = (expected << 8) | (digest[i] & 0xFF);
      }
      assertEquals(expected, LineHashes.hash(line), line);
    }
  }

  @Test
  void pythonStripAndLinesDifferFromJavas() {
    assertEquals(
        "x", PythonStr.strip("\u00a0\u2007x\u202f\u3000"), "no-break spaces are Python whitespace");
    assertEquals("\u200bx", PythonStr.strip("\u200bx"), "zero-width space is not");
    assertEquals(2, PythonStr.length("😀a"));
    assertEquals(List.of("a", "b", "", "c"), PythonStr.universalLines("a\r\nb\r\rc\n"));
    assertEquals(4, PythonStr.splitNewlines("a\n\nb\n").length);
  }
}
