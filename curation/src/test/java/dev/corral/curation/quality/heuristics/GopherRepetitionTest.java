package dev.corral.curation.quality.heuristics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Gopher repetition rule just under, at and just over its Table A1 threshold. Each document
 * is built for one rule; {@link #only} keeps that rule's published threshold and switches the
 * others off (1.0), so the reason is that rule's or none.
 */
class GopherRepetitionTest {
  private static final GopherRepetition.Thresholds D = GopherRepetition.DEFAULTS;

  private static GopherRepetition.Thresholds only(String rule) {
    double[] top = new double[3];
    double[] dup = new double[6];
    Arrays.fill(top, 1.0);
    Arrays.fill(dup, 1.0);
    for (int i = 0; i < 3; i++) {
      if (rule.equals("top_" + D.top().ns()[i] + "_gram")) {
        top[i] = D.top().maxFracs()[i];
      }
    }
    for (int i = 0; i < 6; i++) {
      if (rule.equals("duplicated_" + D.dup().ns()[i] + "_n_grams")) {
        dup[i] = D.dup().maxFracs()[i];
      }
    }
    return new GopherRepetition.Thresholds(
        rule.equals("dup_line_frac") ? D.maxDupLineFrac() : 1.0,
        rule.equals("dup_line_char_frac") ? D.maxDupLineCharFrac() : 1.0,
        rule.equals("dup_para_frac") ? D.maxDupParaFrac() : 1.0,
        rule.equals("dup_para_char_frac") ? D.maxDupParaCharFrac() : 1.0,
        new GopherRepetition.NGramRules(D.top().ns(), top),
        new GopherRepetition.NGramRules(D.dup().ns(), dup));
  }

  private static void check(
      String rule, double expected, double actual, String text, boolean rejected) {
    assertEquals(expected, actual, rule);
    assertEquals(
        rejected ? rule : null,
        only(rule).reason(GopherRepetition.annotate(text)),
        rule + ": " + text);
  }

  /**
   * {@code unique} lines of unique words, then the line "ok go" once plus {@code dups} times,
   * interleaved.
   */
  private static String dupLines(int unique, int dups, String separator) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < unique; i++) {
      lines.add(String.join(" ", Docs.filler((char) ('a' + i), 40)));
    }
    for (int i = 0; i <= dups; i++) {
      lines.add(Math.min(2 * i, lines.size()), "ok go");
    }
    return String.join(separator, lines);
  }

  @Test
  void duplicateLineFraction() {
    for (int[] c : new int[][] {{7, 3}, {6, 3}, {6, 4}}) {
      String text = dupLines(c[0], c[1], "\n");
      double frac = (double) c[1] / (c[0] + c[1] + 1);
      check("dup_line_frac", frac, GopherRepetition.annotate(text).dupLineFrac(), text, frac > 0.3);
    }
  }

  @Test
  void blankLinesAreNotDuplicateLines() {
    String text = dupLines(6, 0, "\n\n\n");
    assertEquals(0.0, GopherRepetition.annotate(text).dupLineFrac());
    assertNull(D.reason(GopherRepetition.annotate(text)));
  }

  @Test
  void duplicateLineCharacterFraction() {
    // D (21 chars) \n U1 (30) \n U2 (29, 30, 31) \n D: 21 / 104, 105, 106 of the text.
    String d = "abcdefghijklmnopqrstu";
    for (int u2 : new int[] {31, 30, 29}) {
      String text = d + "\n" + Docs.word('u', 1, 30) + "\n" + Docs.word('u', 2, u2) + "\n" + d;
      GopherRepetition.Stats s = GopherRepetition.annotate(text);
      assertEquals(0.25, s.dupLineFrac());
      assertEquals(75 + u2, text.length());
      check("dup_line_char_frac", 21.0 / (75 + u2), s.dupLineCharFrac(), text, u2 < 30);
    }
  }

  @Test
  void duplicateParagraphFraction() {
    // Unique paragraphs of three lines each keep the duplicate line fraction low.
    for (int[] c : new int[][] {{7, 3}, {6, 3}, {6, 4}}) {
      List<String> paragraphs = new ArrayList<>();
      for (int i = 0; i < c[0]; i++) {
        paragraphs.add(
            Docs.word((char) ('a' + i), 0, 8)
                + "\n"
                + Docs.word((char) ('a' + i), 1, 8)
                + "\n"
                + Docs.word((char) ('a' + i), 2, 8));
      }
      for (int i = 0; i <= c[1]; i++) {
        paragraphs.add(2 * i, "ok go");
      }
      String text = String.join("\n\n", paragraphs);
      GopherRepetition.Stats s = GopherRepetition.annotate(text);
      double frac = (double) c[1] / (c[0] + c[1] + 1);
      check("dup_para_frac", frac, s.dupParaFrac(), text, frac > 0.3);
    }
  }

  @Test
  void duplicateParagraphCharacterFraction() {
    // P = "A\nB" (21 chars) twice, as paragraphs among two unique ones; the text is 104, 105 or 106
    // chars.
    String p = Docs.word('p', 0, 10) + "\n" + Docs.word('p', 1, 10);
    for (int u2 : new int[] {32, 31, 30}) {
      String text =
          p + "\n\n" + Docs.word('u', 0, 26) + "\n\n" + Docs.word('u', 1, u2) + "\n\n" + p;
      GopherRepetition.Stats s = GopherRepetition.annotate(text);
      assertEquals(74 + u2, text.length());
      assertEquals(0.25, s.dupParaFrac());
      check("dup_para_char_frac", 21.0 / (74 + u2), s.dupParaCharFrac(), text, u2 < 31);
    }
  }

  /**
   * The n-gram of {@code gram} words twice, among unique filler words; word characters total {@code
   * total}.
   */
  private static String twice(List<String> gram, int total) {
    int gramChars = gram.stream().mapToInt(String::length).sum();
    List<String> filler = Docs.filler('f', total - 2 * gramChars);
    List<String> words = new ArrayList<>(gram);
    words.addAll(filler.subList(0, filler.size() / 2));
    words.addAll(gram);
    words.addAll(filler.subList(filler.size() / 2, filler.size()));
    return String.join(" ", words);
  }

  /** {@code n} distinct words whose lengths sum to {@code chars}. */
  private static List<String> gram(int n, int chars) {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      words.add(Docs.word('g', i, chars / n + (i < chars % n ? 1 : 0)));
    }
    return words;
  }

  @Test
  void topNGramCharacterFraction() {
    // Covered characters over word characters: 16/80 = 0.20, 36/200 = 0.18, 32/200 = 0.16 at the
    // threshold.
    int[][] cases = {{2, 16, 80}, {3, 36, 200}, {4, 32, 200}};
    for (int i = 0; i < cases.length; i++) {
      int n = cases[i][0];
      for (int delta : new int[] {1, 0, -1}) {
        int total = cases[i][2] + delta;
        String text = twice(gram(n, cases[i][1] / 2), total);
        double frac = GopherRepetition.annotate(text).topNGramFrac()[i];
        check("top_" + n + "_gram", (double) cases[i][1] / total, frac, text, delta < 0);
      }
    }
  }

  @Test
  void topNGramThatOccursOnceIsNoRepetition() {
    GopherRepetition.Stats s = GopherRepetition.annotate("alpha beta gamma delta");
    assertEquals(0.0, s.topNGramFrac()[0]);
    // Overlapping occurrences count each word once: "la la la la" is all one 2-gram, not 3 x 2
    // words.
    assertEquals(1.0, GopherRepetition.annotate("la la la la").topNGramFrac()[0]);
  }

  @Test
  void duplicateNGramCharacterFraction() {
    // 1000 word characters, of which a repeated n-gram covers 1000 * threshold (first occurrence
    // included).
    for (int i = 0; i < D.dup().ns().length; i++) {
      int n = D.dup().ns()[i];
      int covered = (int) Math.round(1000 * D.dup().maxFracs()[i]);
      for (int delta : new int[] {1, 0, -1}) {
        int total = 1000 + delta;
        String text = twice(gram(n, covered / 2), total);
        GopherRepetition.Stats s = GopherRepetition.annotate(text);
        check(
            "duplicated_" + n + "_n_grams",
            (double) covered / total,
            s.dupNGramFrac()[i],
            text,
            delta < 0);
        if (i + 1 < D.dup().ns().length) {
          assertEquals(0.0, s.dupNGramFrac()[i + 1], "no longer n-gram repeats");
        }
      }
    }
  }

  @Test
  void overlappingDuplicateNGramsCountEachWordOnce() {
    // Six words twice: both 5-grams of each copy repeat, covering all twelve words once.
    List<String> six = gram(6, 30);
    String text = String.join(" ", six) + " " + String.join(" ", six);
    assertEquals(1.0, GopherRepetition.annotate(text).dupNGramFrac()[0]);
  }

  @Test
  void anyNCanBeMeasuredAndParsedBack() {
    GopherRepetition.Thresholds t =
        new GopherRepetition.Thresholds(
            1,
            1,
            1,
            1,
            GopherRepetition.NGramRules.parse("1:0.3, 7:0.3"),
            GopherRepetition.NGramRules.parse("12:0.05"));
    // "la" is 8 of 14 words (16 of 46 characters): above the unigram rule's 0.3.
    String text = "la la la la la la la la " + String.join(" ", gram(6, 30));
    GopherRepetition.Stats s = GopherRepetition.annotate(text, t);
    assertEquals(2, s.topNGramFrac().length);
    assertEquals(1, s.dupNGramFrac().length);
    assertEquals(16.0 / 46, s.topNGramFrac()[0]);
    assertEquals("top_1_gram", t.reason(s));
    assertEquals("1:0.3,7:0.3", t.top().toString());
    assertEquals(D.top(), GopherRepetition.NGramRules.parse(D.top().toString()));
    for (String bad : new String[] {"2", "2:x", "0:0.1", "2:1.5", "2:0.1,2:0.2", "2:0.1:3"}) {
      assertThrows(
          IllegalArgumentException.class, () -> GopherRepetition.NGramRules.parse(bad), bad);
    }
  }

  @Test
  void ruleOrderFollowsTableA1() {
    // Every line the same: lines fire first, although every other measure is high too.
    String text = Docs.repeat("the same line again and again here.\n", 10);
    assertEquals("dup_line_frac", D.reason(GopherRepetition.annotate(text)));
    assertNull(D.reason(GopherRepetition.annotate("")));
    assertEquals(0.0, GopherRepetition.annotate("").dupLineCharFrac());
  }

  @Test
  void everyRuleBrokenAloneGivesADeclaredReason() {
    GopherRepetition.Thresholds t = GopherRepetition.DEFAULTS;
    int top = t.top().ns().length;
    int dup = t.dup().ns().length;
    List<String> seen = new ArrayList<>();
    for (int rule = 0; rule < 4 + top + dup; rule++) {
      double[] lines = new double[4];
      double[] topFracs = new double[top];
      double[] dupFracs = new double[dup];
      if (rule < 4) {
        lines[rule] = 1;
      } else if (rule < 4 + top) {
        topFracs[rule - 4] = 1;
      } else {
        dupFracs[rule - 4 - top] = 1;
      }
      seen.add(
          t.reason(
              new GopherRepetition.Stats(
                  lines[0], lines[1], lines[2], lines[3], topFracs, dupFracs)));
    }
    assertEquals(t.reasons(), seen);
    assertTrue(seen.stream().distinct().count() == seen.size(), seen.toString());
  }
}
