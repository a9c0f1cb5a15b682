package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corral scores lmplz's own ARPA files as KenLM's {@code query} does (the same {@code FullScore}
 * that Python's {@code model.score} calls): every word's log10 probability and every sentence
 * total, held-out lines with unknown words, an empty line and a literal {@code </s>} included.
 */
class KenlmScoreTest {
  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void scoresAsKenlmQuery(int order) {
    NgramModel model = Goldens.lmplzModel(order);
    assertEquals(order, model.order());
    List<String> sentences = Goldens.lines("heldout.txt");
    List<Goldens.Query> expected = Goldens.query("query.lmplz.o" + order + ".txt");
    assertEquals(sentences.size(), expected.size());
    double maxDiff = 0;
    for (int i = 0; i < sentences.size(); i++) {
      Goldens.Query q = expected.get(i);
      float[] words = model.wordScores(sentences.get(i), true, true);
      // query prints each float in its shortest round-trip form, so equal floats print equal.
      assertArrayEquals(q.words(), words, 0f, "line " + (i + 1));
      float total = model.score(sentences.get(i));
      maxDiff = Math.max(maxDiff, Math.abs(total - q.total()));
      assertEquals(q.total(), total, 1e-4f, "line " + (i + 1));
    }
    System.out.printf(
        "order %d: %d sentences, max |Corral - KenLM| total = %.3g%n",
        order, sentences.size(), maxDiff);
  }
}
