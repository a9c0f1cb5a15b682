package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corral's trainer on lmplz's corpus gives lmplz's model: the same n-grams, counts in the header,
 * and every log10 probability and back-off within 1e-4 (in practice equal floats but for an ulp of
 * log10 here and there, see the README).
 */
class LmplzTrainingTest {
  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void trainsLmplzModel(int order) {
    String arpa = new NgramTrainer(order).trainToString(Goldens.corpus(order));
    Arpa corral = Arpa.parse(arpa.lines().toList());
    Arpa lmplz = Arpa.parse(Goldens.lines("lmplz.o" + order + ".arpa.gz"));
    assertArrayEquals(lmplz.counts(), corral.counts());
    assertEquals(lmplz.entries().keySet(), corral.entries().keySet());
    double maxDiff = 0;
    int exact = 0;
    int values = 0;
    for (Map.Entry<String, float[]> e : lmplz.entries().entrySet()) {
      float[] want = e.getValue();
      float[] got = corral.entries().get(e.getKey());
      for (int j = 0; j < 2; j++) {
        if (Float.isNaN(want[j]) && Float.isNaN(got[j])) {
          continue;
        }
        values++;
        double diff = Math.abs(want[j] - got[j]);
        exact += diff == 0 ? 1 : 0;
        maxDiff = Math.max(maxDiff, diff);
        assertTrue(
            diff <= 1e-4,
            () ->
                e.getKey()
                    + ": lmplz "
                    + List.of(want[0], want[1])
                    + " corral "
                    + List.of(got[0], got[1]));
      }
    }
    System.out.printf(
        "order %d: %d n-grams, %d values, %d equal to lmplz's float, max |diff| = %.3g%n",
        order, lmplz.entries().size(), values, exact, maxDiff);
  }
}
