package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ARPA files Corral writes open in KenLM and score there as in Corral: the goldens are KenLM
 * {@code query} on Corral's own ARPA (written by this trainer, see the README), and Corral,
 * retraining and reading its output back, must score every held-out word the same.
 */
class CorralArpaKenlmTest {
  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void kenlmScoresCorralModelsAsCorralDoes(int order) {
    String arpa = new NgramTrainer(order).trainToString(Goldens.corpus(order));
    NgramModel model =
        ArpaReader.read(new ByteArrayInputStream(arpa.getBytes(StandardCharsets.UTF_8)), "corral");
    List<String> sentences = Goldens.lines("heldout.txt");
    List<Goldens.Query> expected = Goldens.query("query.corral.o" + order + ".txt");
    assertEquals(sentences.size(), expected.size());
    double maxDiff = 0;
    for (int i = 0; i < sentences.size(); i++) {
      assertArrayEquals(
          expected.get(i).words(),
          model.wordScores(sentences.get(i), true, true),
          0f,
          "line " + (i + 1));
      float total = model.score(sentences.get(i));
      maxDiff = Math.max(maxDiff, Math.abs(total - expected.get(i).total()));
      assertEquals(expected.get(i).total(), total, 1e-4f);
    }
    System.out.printf(
        "Corral order %d ARPA: max |Corral - KenLM query| total = %.3g%n", order, maxDiff);
  }
}
