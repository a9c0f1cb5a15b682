package dev.corral.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WordCacheTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWordIsFoundOnlyUnderItsOwnBytes() {
    WordCache cache = new WordCache(10, 48);
    byte[] line = utf8("xx menschenwürde yy");
    int from = 3;
    int to = from + utf8("menschenwürde").length;
    int h = WordCache.hash(line, from, to);
    cache.put(line, from, to, h, new int[] {4, 7});
    byte[] again = utf8("menschenwürde");
    assertArrayEquals(new int[] {4, 7}, cache.get(again, 0, again.length, h));
    byte[] other = utf8("menschenwurde");
    assertNull(cache.get(other, 0, other.length, h), "same slot, other bytes");
    assertNull(cache.get(again, 0, again.length - 1, h), "a prefix of the word");
  }

  @Test
  void aWordInTheSameSlotReplacesTheOldOne() {
    byte[] first = utf8("w0");
    int h0 = WordCache.hash(first, 0, first.length);
    byte[] second = null;
    int h1 = 0;
    for (int i = 1; second == null; i++) { // a word whose hash shares the low 10 bits
      byte[] w = utf8("w" + i);
      int h = WordCache.hash(w, 0, w.length);
      if ((h & 0x3ff) == (h0 & 0x3ff)) {
        second = w;
        h1 = h;
      }
    }
    assertNotEquals(h0, h1);
    WordCache cache = new WordCache(10, 48);
    cache.put(first, 0, first.length, h0, new int[] {1});
    cache.put(second, 0, second.length, h1, new int[] {2});
    assertNull(cache.get(first, 0, first.length, h0));
    assertArrayEquals(new int[] {2}, cache.get(second, 0, second.length, h1));
  }

  @Test
  void everyByteOfAWordCountsAtEveryLengthAndPlace() {
    java.util.Random random = new java.util.Random(5);
    WordCache cache = new WordCache(10, 48);
    for (int length = 0; length <= 48; length++) {
      for (int trial = 0; trial < 20; trial++) {
        byte[] line = new byte[length + random.nextInt(12)];
        random.nextBytes(line);
        // Sometimes at the very end of its array, where a word cannot be read 8 bytes at a time.
        int from = trial % 2 == 0 ? line.length - length : random.nextInt(line.length - length + 1);
        int to = from + length;
        int h = random.nextInt();
        int[] value = {length, trial};
        cache.put(line, from, to, h, value);
        byte[] copy = java.util.Arrays.copyOfRange(line, from, to);
        assertArrayEquals(value, cache.get(copy, 0, length, h), "length " + length);
        if (length > 0) {
          copy[random.nextInt(length)] ^= (byte) (1 + random.nextInt(255));
          assertNull(cache.get(copy, 0, length, h), "one byte changed, length " + length);
        }
      }
    }
  }

  @Test
  void aLongTokenIsNotKept() {
    byte[] url = utf8("https://example.org/" + "a".repeat(48));
    int h = WordCache.hash(url, 0, url.length);
    WordCache cache = new WordCache(10, 48);
    cache.put(url, 0, url.length, h, new int[] {3});
    assertNull(cache.get(url, 0, url.length, h));
  }

  @Test
  void aSizeOutOfRangeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WordCache(0, 48));
    assertThrows(IllegalArgumentException.class, () -> new WordCache(25, 48));
    assertThrows(IllegalArgumentException.class, () -> new WordCache(10, 0));
  }
}
