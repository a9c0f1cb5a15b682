package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.text.PythonStr;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scoring semantics, memory, Python's whitespace, the writer's number format and training's guard
 * rails.
 */
class NgramModelTest {
  @Test
  void scoresWithAndWithoutSentenceMarkers() {
    NgramModel m = CcnetPerplexityTest.model();
    assertArrayEquals(new float[] {-0.3f, -0.4f, -0.2f}, m.wordScores("hello world", true, true));
    // No <s>: hello is a unigram; no </s>: two scores only.
    assertArrayEquals(new float[] {-0.7f, -0.4f}, m.wordScores("hello world", false, false));
    assertEquals(
        -0.3f + -0.4f + -0.2f, m.score("hello\u00a0world"), 0f); // NBSP splits, as in Python
    assertEquals(-0.5f + -0.5f, m.score(""), 0f);
    assertTrue(m.contains("hello") && !m.contains("mars"));
    assertEquals(5, m.vocabularySize());
  }

  @Test
  void memoryPerNgramIsSixteenBytesOrLess() {
    ArpaModel m = (ArpaModel) Goldens.lmplzModel(5);
    long ngrams = 0;
    for (int k = 1; k <= 5; k++) {
      ngrams += m.count(k);
    }
    double perNgram = (double) m.ngramBytes() / ngrams;
    System.out.printf(
        "%s: %.2f bytes per n-gram in arrays, %.1f MB vocabulary for %d words%n",
        m, perNgram, m.vocabularyBytes() / 1e6, m.vocabularySize());
    assertTrue(perNgram <= 16, "bytes per n-gram " + perNgram);
  }

  @Test
  void pythonWhitespace() {
    assertArrayEquals(
        new String[] {"a", "b", "c", "d"}, PythonStr.split("\u3000a\u2003b\u001fc\u0085d\n"));
    assertArrayEquals(
        new String[] {"a\u200bb"}, PythonStr.split(" a\u200bb ")); // ZWSP is not a space
    assertEquals("x y", PythonStr.strip("\u00a0x y\u202f"));
    assertEquals("a b", Tokenizer.whitespace().tokenize("  a \t b\n"));
  }

  @Test
  void shortestFloatsAsDoubleConversion() {
    assertEquals("0", ArpaWriter.shortest(0f));
    assertEquals("-4.4007545", ArpaWriter.shortest(-4.4007545f));
    assertEquals("-0.050292186", ArpaWriter.shortest(-0.050292186f));
    assertEquals("-99", ArpaWriter.shortest(-99f));
    assertEquals("0.000001", ArpaWriter.shortest(1e-6f));
    assertEquals("1e-7", ArpaWriter.shortest(1e-7f));
    assertEquals("-1.5e-9", ArpaWriter.shortest(-1.5e-9f));
  }

  @Test
  void trainingRefusesSpecialWordsAndDegenerateCorpora() {
    CorralException special =
        assertThrows(
            CorralException.class, () -> new NgramTrainer(2).trainToString(List.of("a <unk> b")));
    assertEquals(
        "n-gram training text: the special word <unk> is not allowed in the corpus (as in KenLM's lmplz)",
        special.getMessage());
    CorralException tiny =
        assertThrows(
            CorralException.class, () -> new NgramTrainer(2).trainToString(List.of("a b", "a b")));
    assertTrue(
        tiny.getMessage()
            .startsWith(
                "cannot estimate the n-gram language model: no 1-grams have adjusted count"),
        tiny.getMessage());
  }
}
