package dev.corral.curation.quality.heuristics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** C4's line rules and page rules (Raffel et al. 2020, section 2.2), each at its boundary. */
class C4CleanerTest {
  private static final BadWords WORDS = BadWords.english();

  private static C4Cleaner.Result clean(String page) {
    return C4Cleaner.clean(page, C4Cleaner.DEFAULTS, WORDS);
  }

  /** {@code n} distinct good lines of one sentence each. */
  private static List<String> good(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add("This is sentence number " + Docs.word('s', i, 5) + " of the page.");
    }
    return lines;
  }

  private static String page(List<String> lines) {
    return String.join("\n", lines);
  }

  @Test
  void aGoodPageIsKeptWhole() {
    String text = page(good(5));
    C4Cleaner.Result r = clean(text);
    assertNull(r.reason());
    assertEquals(text, r.text());
    assertEquals(5, r.linesKept());
    assertEquals(5, r.linesTotal());
    assertEquals(5, r.sentences());
  }

  @Test
  void sentenceCountBoundary() {
    // One line of one sentence, then one more sentence, or a line of two: 2, 3, 4 sentences.
    String[] extras = {null, "One more line is here.", "One more is here. And another one."};
    int[] sentences = {2, 3, 4};
    for (int i = 0; i < extras.length; i++) {
      List<String> lines = good(2);
      if (extras[i] != null) {
        lines.add(extras[i]);
      }
      C4Cleaner.Result r = clean(page(lines));
      assertEquals(sentences[i], r.sentences());
      assertEquals(
          sentences[i] < 3 ? "c4_too_few_sentences" : null,
          r.reason(),
          sentences[i] + " sentences");
    }
  }

  @Test
  void lineCountRuleIsMc4sAndOffByDefault() {
    // Five sentences in 2, 3 or 4 kept lines: with C4's values the line count does not matter.
    String two =
        "One sentence here. Two sentences here. Three sentences here.\nFour sentences here. Five ones here.";
    assertEquals(5, clean(two).sentences());
    assertEquals(2, clean(two).linesKept());
    assertNull(clean(two).reason(), "C4 has no line-count rule");
    C4Cleaner.Settings threeLines =
        new C4Cleaner.Settings(5, 1000, 3, 3, 0, true, true, true, true);
    assertEquals("c4_too_few_lines", C4Cleaner.clean(two, threeLines, WORDS).reason());
    String three = two + "\nSix sentences are here now.";
    assertNull(C4Cleaner.clean(three, threeLines, WORDS).reason());
    assertNull(
        C4Cleaner.clean(three + "\nSeven sentences are here now.", threeLines, WORDS).reason());
    // mC4's variant: lines count only with at least 200 characters.
    assertEquals("c4_too_few_lines", C4Cleaner.clean(page(good(5)), C4Cleaner.MC4, WORDS).reason());
  }

  @Test
  void wordsPerLineBoundary() {
    List<String> lines = good(5);
    lines.add("Two words.");
    lines.add("Four words are here.");
    lines.add("Five words are right here.");
    lines.add("Six words are right here now.");
    C4Cleaner.Result r = clean(page(lines));
    assertEquals(7, r.linesKept());
    assertEquals(9, r.linesTotal());
    assertTrue(
        !r.text().contains("Four words")
            && r.text().endsWith("Five words are right here.\nSix words are right here now."),
        r.text());
  }

  @Test
  void terminalPunctuationRules() {
    List<String> lines = good(5);
    lines.add("No end mark on this line");
    lines.add("This line trails off at the end...");
    lines.add("And then she said \"yes.\"");
    lines.add("Is this a real question?");
    lines.add("What a line this is!");
    lines.add("   Padded with spaces on both sides.   ");
    C4Cleaner.Result r = clean(page(lines));
    assertEquals(9, r.linesKept());
    assertTrue(
        r.text()
            .endsWith(
                "And then she said \"yes.\"\nIs this a real question?\nWhat a line this is!\n"
                    + "Padded with spaces on both sides."),
        r.text());
  }

  @Test
  void javascriptPolicyCitationAndLongWordLines() {
    List<String> lines = good(5);
    lines.add("Please enable JavaScript to view this page.");
    lines.add("This site uses cookies to improve things.");
    lines.add("Read our Privacy Policy before you go.");
    lines.add("The river is very long.[1]");
    lines.add("It flows north to the sea [citation needed].");
    lines.add("A word " + "w".repeat(1000) + " fits in here.");
    lines.add("A word " + "w".repeat(1001) + " does not fit.");
    // Words are counted after the citations are removed, as the reference code does.
    lines.add("It flows north [citation needed].");
    C4Cleaner.Result r = clean(page(lines));
    assertNull(r.reason());
    assertEquals(13, r.linesTotal());
    assertEquals(8, r.linesKept());
    assertTrue(
        r.text().contains("\nThe river is very long.\nIt flows north to the sea .\nA word w"),
        r.text());
  }

  @Test
  void eachLineRuleTurnsOffAlone() {
    List<String> lines = good(3);
    lines.add("No end mark on this line");
    lines.add("Please enable JavaScript to view this page.");
    lines.add("Read our Privacy Policy before you go.");
    String text = page(lines);
    assertEquals(3, clean(text).linesKept());
    C4Cleaner.Settings d = C4Cleaner.DEFAULTS;
    String[] kept = {"No end mark on this line", "JavaScript", "Privacy Policy"};
    C4Cleaner.Settings[] off = {
      new C4Cleaner.Settings(5, 1000, 3, 0, 0, true, false, true, true),
      new C4Cleaner.Settings(5, 1000, 3, 0, 0, true, true, false, true),
      new C4Cleaner.Settings(5, 1000, 3, 0, 0, true, true, true, false)
    };
    for (int i = 0; i < off.length; i++) {
      C4Cleaner.Result r = C4Cleaner.clean(text, off[i], WORDS);
      assertEquals(4, r.linesKept(), kept[i]);
      assertTrue(r.text().contains(kept[i]), r.text());
    }
    assertEquals(d, new C4Cleaner.Settings(5, 1000, 3, 0, 0, true, true, true, true));
  }

  @Test
  void pageRulesOnKeptLines() {
    List<String> lorem = good(5);
    lorem.add("Lorem ipsum dolor sit amet.");
    assertEquals("c4_lorem_ipsum", clean(page(lorem)).reason());
    List<String> brace = good(5);
    brace.add("Then call function f() { return 1; } now.");
    assertEquals("c4_curly_brace", clean(page(brace)).reason());
    List<String> bad = good(5);
    bad.add("Some fuck words at the end.");
    assertEquals("c4_bad_words", clean(page(bad)).reason());
    // On lines that the line rules drop, the page rules do not look: as C4's reference code.
    List<String> dropped = good(5);
    dropped.add("lorem ipsum in a menu");
    dropped.add("var x = { a: 1 }");
    dropped.add("JavaScript is required {.");
    C4Cleaner.Result r = clean(page(dropped));
    assertNull(r.reason());
    assertEquals(5, r.linesKept());
    // The first page rule hit, in line order, names the reason; the whole page is still annotated.
    List<String> both = good(2);
    both.add("A brace { here is fine.");
    both.add("Lorem ipsum comes later on.");
    both.addAll(good(3));
    C4Cleaner.Result first = clean(page(both));
    assertEquals("c4_curly_brace", first.reason());
    assertEquals(7, first.linesKept());
  }

  @Test
  void badWordsNeedLetterBoundaries() {
    assertEquals("ass", WORDS.find("you ass"));
    assertEquals("ass", WORDS.find("ass."));
    assertNull(WORDS.find("a class of its own and a passage"));
    assertEquals("blow job", WORDS.find("a blow job, twice"));
    assertEquals("s&m", WORDS.find("about s&m."));
    assertEquals("2g1c", WORDS.find("x 12g1c"), "digits are boundaries, as in C4's [^a-z]");
    assertEquals(377, WORDS.size());
    C4Cleaner.Settings off = new C4Cleaner.Settings(5, 1000, 3, 0, 0, false, true, true, true);
    List<String> bad = good(5);
    bad.add("Some fuck words at the end.");
    assertNull(C4Cleaner.clean(page(bad), off, WORDS).reason());
  }

  @Test
  void emptyAndBlankPages() {
    C4Cleaner.Result empty = clean("");
    assertEquals("c4_too_few_sentences", empty.reason());
    assertEquals(0, empty.linesTotal());
    assertEquals("", empty.text());
    C4Cleaner.Result blank = clean("\n\n  \n");
    assertEquals(3, blank.linesTotal());
    assertEquals(0, blank.linesKept());
  }
}
