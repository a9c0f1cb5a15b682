package dev.corral.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against llama-tiny's reference outputs from llama.cpp (and numpy with Hugging Face
 * semantics).
 */
class ReferenceTest {
  static final double TOLERANCE = 1e-3;
  static LlamaModel model;
  static List<Fixtures.Reference> refs;

  @BeforeAll
  static void load() {
    model = LlamaModel.load(Fixtures.tinyDir());
    refs = Fixtures.references();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void top10LogProbsAtEveryPositionMatchLlamaCpp() {
    double maxDiff = 0;
    for (Fixtures.Reference r : refs) {
      float[][] lp = model.logProbs(r.promptIds());
      for (int t = 0; t < r.promptIds().length; t++) {
        for (int j = 0; j < 10; j++) {
          double d = Math.abs(lp[t][r.top10Ids()[t][j]] - r.top10LogProbs()[t][j]);
          maxDiff = Math.max(maxDiff, d);
          assertTrue(
              d < TOLERANCE,
              r.text() + " position " + t + " token " + r.top10Ids()[t][j] + ": " + d);
        }
        // and the engine's own top 10 are the reference's values, in order
        float[] sorted = lp[t].clone();
        java.util.Arrays.sort(sorted);
        for (int j = 0; j < 10; j++) {
          assertEquals(r.top10LogProbs()[t][j], sorted[sorted.length - 1 - j], TOLERANCE);
        }
      }
    }
    System.out.printf("max |diff| top-10 log-probs vs llama.cpp: %.3g%n", maxDiff);
  }

  @Test
  void tokenizerGivesTheReferencePromptIds() {
    for (Fixtures.Reference r : refs) {
      assertArrayEquals(r.promptIds(), model.tokenizer().encode(r.text()), r.text());
    }
  }

  @Test
  void nextTokenLogProbsMatchLlamaCppAndNumpyBatchedAndAlone() {
    List<String> texts = refs.stream().map(Fixtures.Reference::text).toList();
    List<Scorer.TokenScores> batched =
        Scorer.builder().setModel(model).optBatchSize(8).build().scoreAll(texts);
    List<Scorer.TokenScores> alone =
        Scorer.builder().setModel(model).optBatchSize(1).build().scoreAll(texts);
    double maxCpp = 0;
    double maxNumpy = 0;
    double maxBatch = 0;
    for (int i = 0; i < refs.size(); i++) {
      Fixtures.Reference r = refs.get(i);
      Scorer.TokenScores s = batched.get(i);
      assertArrayEquals(r.promptIds(), s.ids());
      assertEquals(r.nextTokenLogProbs().length, s.count());
      for (int t = 0; t < s.count(); t++) {
        maxCpp = Math.max(maxCpp, Math.abs(s.logProbs()[t] - r.nextTokenLogProbs()[t]));
        maxNumpy = Math.max(maxNumpy, Math.abs(s.logProbs()[t] - r.numpyNextTokenLogProbs()[t]));
        maxBatch = Math.max(maxBatch, Math.abs(s.logProbs()[t] - alone.get(i).logProbs()[t]));
      }
      assertEquals(r.promptLogProb(), s.total(), 1e-2, r.text());
      assertEquals(Math.exp(-r.promptLogProb() / s.count()), s.perplexity(), 1e-3 * s.perplexity());
    }
    System.out.printf(
        "max |diff| next-token log-probs: llama.cpp %.3g, numpy %.3g, batched vs alone %.3g%n",
        maxCpp, maxNumpy, maxBatch);
    assertTrue(maxCpp < TOLERANCE, "vs llama.cpp " + maxCpp);
    assertTrue(maxNumpy < TOLERANCE, "vs numpy " + maxNumpy);
    assertTrue(maxBatch < 1e-4, "batched vs alone " + maxBatch); // f32 rounding of other shapes
  }

  @Test
  void continuationScoreIsTheSumOverTheContinuationTokens() {
    Fixtures.Reference r = refs.get(0); // "The quick brown fox jumps over the lazy dog."
    String context = "The quick brown fox ";
    Scorer.ContinuationScore c =
        Scorer.builder()
            .setModel(model)
            .build()
            .scoreContinuation(context, r.text().substring(context.length()));
    int n = c.contextIds().length;
    assertArrayEquals(r.promptIds(), concat(c.contextIds(), c.continuationIds()));
    assertArrayEquals(
        java.util.Arrays.copyOf(r.promptIds(), n), model.tokenizer().encode(context.strip()));
    double expected = 0;
    for (int j = n; j < r.promptIds().length; j++) {
      expected += r.nextTokenLogProbs()[j - 1];
    }
    assertEquals(expected, c.logLikelihood(), 1e-3);
    assertEquals(c.logLikelihood() / c.continuationIds().length, c.perToken(), 1e-12);
    // the context's trailing space moved to the continuation: " jumps over the lazy dog."
    assertEquals(25, c.chars());
    assertEquals(c.logLikelihood() / 25, c.perChar(), 1e-12);
    // greedy: every continuation token is llama.cpp's top-1 at its position
    boolean greedy = true;
    for (int j = n; j < r.promptIds().length; j++) {
      greedy &= r.top10Ids()[j - 1][0] == r.promptIds()[j];
    }
    assertEquals(greedy, c.greedy());
    for (int t = 1; t < r.promptIds().length; t++) {
      // every prefix scored alone gives the same last log-prob
      int[] ids = java.util.Arrays.copyOf(r.promptIds(), t + 1);
      Scorer.TokenScores s = Scorer.builder().setModel(model).build().scoreIds(List.of(ids)).get(0);
      assertEquals(r.nextTokenLogProbs()[t - 1], s.logProbs()[t - 1], TOLERANCE);
    }
  }

  @Test
  void greedyContinuationsMatchExactlyBatchedAndAlone() {
    List<int[]> prompts = refs.stream().map(Fixtures.Reference::promptIds).toList();
    for (int batchSize : new int[] {8, 3, 1}) {
      List<Generator.Generation> out =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(16)
              .optBatchSize(batchSize)
              .build()
              .generateIds(prompts);
      for (int i = 0; i < refs.size(); i++) {
        Fixtures.Reference r = refs.get(i);
        Generator.Generation g = out.get(i);
        // llama.cpp and numpy agree; a continuation stops early only if it produced </s>
        assertArrayEquals(r.numpyGreedy(), r.greedy());
        int expectedLength = r.greedy().length;
        for (int t = 0; t < r.greedy().length; t++) {
          if (r.greedy()[t] == 2) {
            expectedLength = t + 1;
            break;
          }
        }
        assertArrayEquals(
            java.util.Arrays.copyOf(r.greedy(), expectedLength),
            g.tokens(),
            r.text() + " (batch size " + batchSize + ")");
        assertEquals(
            expectedLength == 16 ? Generator.FinishReason.LENGTH : Generator.FinishReason.STOP,
            g.finishReason());
        assertEquals(model.tokenizer().decode(g.tokens()), g.text());
      }
    }
  }

  @Test
  void generatingFromTextEncodesThePrompt() {
    Fixtures.Reference r = refs.get(6); // "Hi"
    Generator.Generation g =
        Generator.builder().setModel(model).optMaxNewTokens(16).build().generate(r.text());
    assertArrayEquals(r.promptIds(), g.promptIds());
    assertArrayEquals(r.greedy(), g.tokens());
  }

  @Test
  void configAndGenerationDefaultsAreRead() {
    LlamaConfig c = model.config();
    assertEquals(32000, c.vocabSize());
    assertEquals(64, c.dim());
    assertEquals(176, c.hiddenDim());
    assertEquals(2, c.nLayers());
    assertEquals(4, c.nHeads());
    assertEquals(2, c.nKvHeads());
    assertEquals(16, c.headSize());
    assertEquals(256, c.maxPositions());
    assertEquals(1, c.bosId());
    assertArrayEquals(new int[] {2}, c.eosIds());
    assertEquals(false, model.generationConfig().doSample());
    assertArrayEquals(new int[] {2}, model.generationConfig().eosIds());
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
