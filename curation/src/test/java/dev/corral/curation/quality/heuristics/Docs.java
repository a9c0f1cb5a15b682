package dev.corral.curation.quality.heuristics;

import java.util.ArrayList;
import java.util.List;

/** Builders of hand-made test documents with exact word and character counts. */
final class Docs {
  private Docs() {}

  /**
   * A letters-only word of exactly {@code length} (at least 4) chars, unique per {@code (tag, id <
   * 17576)}.
   */
  static String word(char tag, int id, int length) {
    char[] c = new char[length];
    java.util.Arrays.fill(c, 'x');
    c[0] = tag;
    c[1] = (char) ('a' + (id / 676) % 26);
    c[2] = (char) ('a' + (id / 26) % 26);
    c[3] = (char) ('a' + id % 26);
    return new String(c);
  }

  /** Distinct words (tag {@code f}) whose lengths sum to exactly {@code chars} (at least 4). */
  static List<String> filler(char tag, int chars) {
    List<String> words = new ArrayList<>();
    int left = chars;
    int id = 0;
    while (left > 9) {
      words.add(word(tag, id++, 5));
      left -= 5;
    }
    words.add(word(tag, id, left));
    return words;
  }

  /** {@code n} copies of {@code w} joined by spaces. */
  static String repeat(String w, int n) {
    return String.join(" ", java.util.Collections.nCopies(n, w));
  }
}
