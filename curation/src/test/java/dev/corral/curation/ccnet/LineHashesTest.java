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
  void pythonStripAndLinesDifferFromJavas() {
    assertEquals(
        "x", PythonStr.strip("\u00a0\u2007x\u202f\u3000"), "no-break spaces are Python whitespace");
    assertEquals("\u200bx", PythonStr.strip("\u200bx"), "zero-width space is not");
    assertEquals(2, PythonStr.length("😀a"));
    assertEquals(List.of("a", "b", "", "c"), PythonStr.universalLines("a\r\nb\r\rc\n"));
    assertEquals(4, PythonStr.splitNewlines("a\n\nb\n").length);
  }
}
