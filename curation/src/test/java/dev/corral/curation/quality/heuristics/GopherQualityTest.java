package dev.corral.curation.quality.heuristics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Gopher quality rule just under, at and just over its published threshold (appendix A.1.1).
 */
class GopherQualityTest {
  private static final GopherQuality.Thresholds T = GopherQuality.DEFAULTS;

  /**
   * "the and" then {@code n - 2} five-letter words: mean length near 5, two stop words, all
   * alphabetic.
   */
  private static String words(int n) {
    List<String> w = new ArrayList<>(List.of("the", "and"));
    w.addAll(Collections.nCopies(n - 2, "apple"));
    return String.join(" ", w);
  }

  private static String reason(String text) {
    return T.reason(GopherQuality.annotate(text));
  }

  @Test
  void wordCountBounds() {
    assertEquals(49, GopherQuality.annotate(words(49)).words());
    assertEquals("gopher_short_doc", reason(words(49)));
    assertNull(reason(words(50)));
    assertNull(reason(words(51)));
    assertNull(reason(words(99_999)));
    assertEquals(100_000, GopherQuality.annotate(words(100_000)).words());
    assertNull(reason(words(100_000)));
    assertEquals("gopher_long_doc", reason(words(100_001)));
    assertEquals("gopher_short_doc", reason(""));
    assertEquals(0, GopherQuality.annotate("").words());
  }

  @Test
  void wordsAreWhitespaceTokensTrimmedOfPunctuation() {
    assertEquals(
        List.of("Hello", "world", "e.g", "3.14", "tag"),
        Words.of("  Hello, world! — e.g. (3.14) #tag ..."));
    assertEquals(List.of(), Words.of(" • - ... "));
  }

  /**
   * 50 words: "the", "and", then 48 words of {@code len} chars except {@code odd} that has {@code
   * oddLen}.
   */
  private static String lengths(int len, int oddLen) {
    List<String> w = new ArrayList<>(List.of("the", "and"));
    for (int i = 0; i < 47; i++) {
      w.add(Docs.word('w', i, len));
    }
    w.add(Docs.word('o', 0, oddLen));
    return String.join(" ", w);
  }

  @Test
  void meanWordLengthBounds() {
    // Lower bound 3: 3-char words (two stop words + 48 three-letter words), one of them 2 or 4
    // chars.
    String at = "the and " + Docs.repeat("cat", 48);
    assertEquals(3.0, GopherQuality.annotate(at).meanWordLength());
    assertNull(reason(at));
    String under = "the and " + Docs.repeat("cat", 47) + " ox";
    assertEquals(149 / 50.0, GopherQuality.annotate(under).meanWordLength());
    assertEquals("gopher_below_avg_word_len", reason(under));
    assertNull(reason("the and " + Docs.repeat("cat", 47) + " bird"));
    // Upper bound 10: 6 chars of stop words + 47 * 10 + odd = 500 +- 1.
    String atMax = lengths(10, 24);
    assertEquals(10.0, GopherQuality.annotate(atMax).meanWordLength());
    assertNull(reason(atMax));
    assertEquals(501 / 50.0, GopherQuality.annotate(lengths(10, 25)).meanWordLength());
    assertEquals("gopher_above_avg_word_len", reason(lengths(10, 25)));
    assertNull(reason(lengths(10, 23)));
  }

  @Test
  void hashRatioBounds() {
    for (int hashes : new int[] {4, 5, 6}) {
      String text = words(50) + " " + Docs.repeat("#", hashes);
      GopherQuality.Stats s = GopherQuality.annotate(text);
      assertEquals(50, s.words(), "a lone '#' is no word");
      assertEquals(hashes / (50.0 + hashes), s.hashRatio(), "but a token of the ratio");
      assertEquals(hashes > 5 ? "gopher_too_many_hashes" : null, T.reason(s), hashes + " hashes");
    }
  }

  @Test
  void ellipsisRatioBoundsCountBothForms() {
    for (int n : new int[] {4, 5, 6}) {
      // Half "...", half "…", inside the line so that no line ends with one.
      String text =
          Docs.repeat("...", n / 2) + " " + Docs.repeat("\u2026", n - n / 2) + " " + words(50);
      GopherQuality.Stats s = GopherQuality.annotate(text);
      assertEquals(n / (50.0 + n), s.ellipsisRatio());
      assertEquals(0.0, s.ellipsisLineFrac());
      assertEquals(n > 5 ? "gopher_too_many_ellipsis" : null, T.reason(s), n + " ellipses");
    }
    assertEquals(2, GopherQuality.count("......", "..."), "non-overlapping, as Python's str.count");
  }

  @Test
  void bulletLineBounds() {
    for (int bulleted : new int[] {17, 18, 19}) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        String bullet = i < bulleted ? List.of("\u2022 ", "- ", "* ", "  \u29BF ").get(i % 4) : "";
        // Five words a line, so that the bullet tokens keep 80% of the tokens alphabetic.
        text.append(bullet)
            .append(i == 0 ? "the and apple apple apple" : "apple apple apple apple apple")
            .append("\n\n");
      }
      GopherQuality.Stats s = GopherQuality.annotate(text.toString());
      assertEquals(bulleted / 20.0, s.bulletLineFrac(), "blank lines do not count");
      assertEquals(
          bulleted > 18 ? "gopher_too_many_bullets" : null, T.reason(s), bulleted + " bullets");
    }
  }

  @Test
  void bulletsAreTheGopherImplementationsSetOrTheGivenOnes() {
    String text = "\u25AA the and apple\n\u2219 apple apple\n+ apple apple\n";
    assertEquals(1 / 3.0, GopherQuality.annotate(text).bulletLineFrac(), "only \u2219 is a bullet");
    assertEquals(2 / 3.0, GopherQuality.annotate(text, "+\u25AA").bulletLineFrac());
  }

  @Test
  void symbolTokensCountForTheRatiosAndTheAlphaFractionButAreNoWords() {
    // 50 words and 13 tokens of symbols only: 50 / 63 = 0.79 of the tokens hold a letter.
    String text = words(50) + " " + Docs.repeat("\u2022", 7) + " " + Docs.repeat("!?", 6);
    GopherQuality.Stats s = GopherQuality.annotate(text);
    assertEquals(50, s.words());
    assertEquals(5.0 - 2 * 2.0 / 50, s.meanWordLength(), 1e-12, "symbols do not shorten words");
    assertEquals(50 / 63.0, s.alphaWordFrac());
    assertEquals("gopher_below_alpha_threshold", T.reason(s));
  }

  @Test
  void endEllipsisLineBounds() {
    for (int ending : new int[] {2, 3, 4}) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        text.append(i == 0 ? "the and apple apple apple" : "apple apple apple apple apple")
            .append(i < ending ? (i % 2 == 0 ? "..." : " \u2026") : ".")
            .append('\n');
      }
      GopherQuality.Stats s = GopherQuality.annotate(text.toString());
      assertEquals(ending / 10.0, s.ellipsisLineFrac());
      assertEquals(
          ending > 3 ? "gopher_too_many_end_ellipsis" : null, T.reason(s), ending + " lines");
    }
  }

  @Test
  void alphaWordBounds() {
    for (int numbers : new int[] {9, 10, 11}) {
      String text =
          "the and " + Docs.repeat("apple", 48 - numbers) + " " + Docs.repeat("1234", numbers);
      GopherQuality.Stats s = GopherQuality.annotate(text);
      assertEquals((50 - numbers) / 50.0, s.alphaWordFrac());
      assertEquals(
          numbers > 10 ? "gopher_below_alpha_threshold" : null, T.reason(s), numbers + " numbers");
    }
  }

  @Test
  void stopWordsAreDistinctAndCaseInsensitive() {
    String one = "The the THE " + Docs.repeat("apple", 47);
    assertEquals(1, GopherQuality.annotate(one).stopWords());
    assertEquals("gopher_too_few_stop_words", reason(one));
    String two = "The with " + Docs.repeat("apple", 48);
    assertEquals(2, GopherQuality.annotate(two).stopWords());
    assertNull(reason(two));
    String three = "the with have, " + Docs.repeat("apple", 47);
    assertEquals(3, GopherQuality.annotate(three).stopWords());
    assertNull(reason(three));
    assertEquals("gopher_too_few_stop_words", reason(Docs.repeat("apple", 50)));
  }

  @Test
  void firstBrokenRuleNamesTheReason() {
    // Short and without stop words: the word count comes first.
    assertEquals("gopher_short_doc", reason("1234 5678"));
    // Too many hashes and too few stop words: hashes first.
    assertEquals("gopher_too_many_hashes", reason(Docs.repeat("apple", 50) + Docs.repeat(" #", 6)));
  }

  @Test
  void everyRuleBrokenAloneGivesADeclaredReason() {
    GopherQuality.Stats pass = new GopherQuality.Stats(100, 5, 0, 0, 0, 0, 1, 10);
    List<GopherQuality.Stats> broken =
        List.of(
            new GopherQuality.Stats(10, 5, 0, 0, 0, 0, 1, 10),
            new GopherQuality.Stats(200_000, 5, 0, 0, 0, 0, 1, 10),
            new GopherQuality.Stats(100, 1, 0, 0, 0, 0, 1, 10),
            new GopherQuality.Stats(100, 20, 0, 0, 0, 0, 1, 10),
            new GopherQuality.Stats(100, 5, 0.5, 0, 0, 0, 1, 10),
            new GopherQuality.Stats(100, 5, 0, 0.5, 0, 0, 1, 10),
            new GopherQuality.Stats(100, 5, 0, 0, 0.95, 0, 1, 10),
            new GopherQuality.Stats(100, 5, 0, 0, 0, 0.5, 1, 10),
            new GopherQuality.Stats(100, 5, 0, 0, 0, 0, 0.5, 10),
            new GopherQuality.Stats(100, 5, 0, 0, 0, 0, 1, 0));
    assertNull(GopherQuality.DEFAULTS.reason(pass));
    List<String> seen = new ArrayList<>();
    for (GopherQuality.Stats s : broken) {
      seen.add(GopherQuality.DEFAULTS.reason(s));
    }
    assertEquals(GopherQuality.Thresholds.REASONS, seen);
  }
}
