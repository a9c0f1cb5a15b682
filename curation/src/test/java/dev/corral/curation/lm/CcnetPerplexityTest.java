package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CCNet's normalization (expected values printed by cc_net's own text_normalizer.py) and perplexity
 * by hand.
 */
class CcnetPerplexityTest {
  // A bigram model small enough to score by hand.
  static final String ARPA =
      String.join(
          "\n",
          "\\data\\",
          "ngram 1=5",
          "ngram 2=3",
          "",
          "\\1-grams:",
          "-1.0\t<unk>\t0",
          "0\t<s>\t-0.5",
          "-0.5\t</s>\t0",
          "-0.7\thello\t-0.2",
          "-0.9\tworld\t-0.1",
          "",
          "\\2-grams:",
          "-0.3\t<s> hello",
          "-0.4\thello world",
          "-0.2\tworld </s>",
          "",
          "\\end\\",
          "");

  static NgramModel model() {
    return ArpaReader.read(
        new ByteArrayInputStream(ARPA.getBytes(StandardCharsets.UTF_8)), "hand.arpa");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "Héllo, WÖRLD 2023！|hello, world 0000!",
        "«Bonjour»—ça va…|`\"bonjour\" - ca va...`",
        "l’été．Ok|l'ete. ok",
        "`  Ünïcödé  \u00a0`|unicode",
        "١٢٣ ١|000 0",
        "１２ ＡＢＣ “quoted” ［x］|`00 ａｂｃ \"quoted\" ［x］`",
        "İstanbul ΣΟΦΟΣ|istanbul σοφος",
        "Ⅻ ² ½|ⅻ ² ½",
      })
  void normalizesAsCcnet(String in, String expected) {
    assertEquals(expected, CcnetNormalizer.normalize(in));
  }

  @Test
  void normalizeDropsControlsAndKeepsDecomposedHangul() {
    assertEquals("abc", CcnetNormalizer.normalize("a\u0001b\u0085c\u007f"));
    assertEquals("", CcnetNormalizer.normalize(" \t "));
    // strip_accents never recomposes: Hangul syllables stay as their jamo.
    assertEquals(
        Normalizer.normalize("한국어", Normalizer.Form.NFD), CcnetNormalizer.normalize("한국어"));
  }

  @Test
  void perplexityByHand() {
    CcnetPerplexity pp = new CcnetPerplexity(model(), Tokenizer.whitespace());
    // Line 1 "hello world": -0.3 (<s> hello) - 0.4 (hello world) - 0.2 (world </s>) = -0.9, length
    // 3.
    // Line 2 "foo" is <unk>: bo(<s>) -0.5 + p(<unk>) -1.0, then p(</s>) -0.5 (bo(<unk>) 0) = -2.0,
    // length 2.
    CcnetPerplexity.Score score = pp.score("Hello  World\nFoo");
    assertEquals(-2.9, score.log10Prob(), 1e-6);
    assertEquals(5, score.length());
    assertEquals(3.8, pp.perplexity("Hello  World\nFoo")); // 10^(2.9/5) = 3.8019
    // One line: 10^(0.9/3) = 1.9953 -> 2.0; an empty line scores p(</s>|<s>) = -0.5 + -0.5 with
    // length 1.
    assertEquals(2.0, pp.perplexity("hello world"));
    CcnetPerplexity.Score withEmptyLines = pp.score("hello world\n\n");
    assertEquals(-0.9 - 1.0 - 1.0, withEmptyLines.log10Prob(), 1e-6);
    assertEquals(5, withEmptyLines.length());
    assertNull(pp.score(""));
    assertTrue(Double.isNaN(pp.perplexity(null)));
  }

  @Test
  void documentModeNormalizesTheWholeDocumentAndScoresOneLine() {
    CcnetPerplexity lines = new CcnetPerplexity(model(), Tokenizer.whitespace());
    CcnetPerplexity document = lines.withMode(CcnetPerplexity.Mode.DOCUMENT);
    assertEquals(CcnetPerplexity.Mode.LINES, lines.mode());
    // mine.py: normalize("Hello  World\nFoo") deletes the newline with the other control
    // characters, so the text is "hello  worldfoo": tokens hello, worldfoo (<unk>).
    // -0.3 (<s> hello) + [bo(hello) -0.2 + p(<unk>) -1.0] + [bo(<unk>) 0 + p(</s>) -0.5] = -2.0.
    CcnetPerplexity.Score score = document.score("Hello  World\nFoo");
    assertEquals(-2.0, score.log10Prob(), 1e-6);
    assertEquals(3, score.length());
    assertEquals(4.6, document.perplexity("Hello  World\nFoo")); // 10^(2.0/3) = 4.6416
    // A newline after a space keeps the words apart: the same as one line "hello world".
    assertEquals(lines.perplexity("hello world"), document.perplexity(" Hello \n\nworld\n"));
    assertEquals(2.0, document.perplexity("hello world"));
    // A document that normalizes to nothing has no perplexity (DocLM skips an empty field); the
    // line mode scores its lines as empty ones.
    assertNull(document.score(" \n\t\u0001"));
    assertTrue(Double.isNaN(document.perplexity("\n")));
    assertEquals(-2.0, lines.score("\n").log10Prob(), 1e-6);
    assertEquals(CcnetPerplexity.Mode.DOCUMENT, CcnetPerplexity.Mode.parse("document"));
  }

  @Test
  void roundsAsPython() {
    // Python: round(0.25, 1) == 0.2 (an exact tie, to even); 0.35 is 0.34999... and 0.45 is
    // 0.45000...1.
    assertEquals(0.2, CcnetPerplexity.round1(0.25));
    assertEquals(0.3, CcnetPerplexity.round1(0.35));
    assertEquals(0.5, CcnetPerplexity.round1(0.45));
    assertEquals(3.0, CcnetPerplexity.round1(3.05));
  }
}
