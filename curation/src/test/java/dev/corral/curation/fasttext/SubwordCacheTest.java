package dev.corral.curation.fasttext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SubwordCacheTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWordIsFoundOnlyUnderItsOwnBytes() {
    SubwordCache cache = new SubwordCache();
    byte[] line = utf8("xx menschenwürde yy");
    int from = 3;
    int to = from + utf8("menschenwürde").length;
    int h = Dictionary.hash(line, from, to);
    cache.put(line, from, to, h, new int[] {9, 4, 7, 5}, 1, 3);
    byte[] again = utf8("menschenwürde");
    assertArrayEquals(new int[] {4, 7}, cache.get(again, 0, again.length, h));
    byte[] other = utf8("menschenwurde");
    assertNull(cache.get(other, 0, other.length, h), "same slot, other bytes");
  }

  @Test
  void aWordInTheSameSlotReplacesTheOldOne() {
    byte[] first = utf8("w0");
    int h0 = Dictionary.hash(first, 0, first.length);
    byte[] second = null;
    int h1 = 0;
    for (int i = 1; second == null; i++) { // a word whose hash shares the low 14 bits
      byte[] w = utf8("w" + i);
      int h = Dictionary.hash(w, 0, w.length);
      if ((h & 0x3fff) == (h0 & 0x3fff)) {
        second = w;
        h1 = h;
      }
    }
    assertNotEquals(h0, h1);
    SubwordCache cache = new SubwordCache();
    cache.put(first, 0, first.length, h0, new int[] {1}, 0, 1);
    cache.put(second, 0, second.length, h1, new int[] {2}, 0, 1);
    assertNull(cache.get(first, 0, first.length, h0));
    assertArrayEquals(new int[] {2}, cache.get(second, 0, second.length, h1));
  }

  @Test
  void aLongTokenIsNotKept() {
    byte[] url = utf8("https://example.org/" + "a".repeat(SubwordCache.MAX_WORD_BYTES));
    int h = Dictionary.hash(url, 0, url.length);
    SubwordCache cache = new SubwordCache();
    cache.put(url, 0, url.length, h, new int[] {3}, 0, 1);
    assertNull(cache.get(url, 0, url.length, h));
  }
}
