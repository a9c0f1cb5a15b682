package dev.corral.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repetition penalty, stop strings, finished rows leaving the batch, sliding-window scoring and the
 * "Answer:"-normalised multiple-choice score, each against a straightforward computation with the
 * engine.
 */
class GenerationAndScoringTest {
  static LlamaModel model;
  static List<String> texts;

  @BeforeAll
  static void load() {
    model = LlamaModel.load(Fixtures.tinyDir());
    texts = new ArrayList<>();
    for (Fixtures.Reference r : Fixtures.references()) {
      texts.add(r.text());
    }
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** The logits after the last token of {@code ids}, from one full pass without reuse. */
  static float[] lastLogits(int[] ids) {
    try (KvCache cache = model.newCache(1, ids.length);
        NDArray logits = model.forward(new int[][] {ids}, trues(ids.length), cache, true)) {
      return logits.toFloatArray();
    }
  }

  static boolean[][] trues(int n) {
    boolean[][] real = new boolean[1][n];
    Arrays.fill(real[0], true);
    return real;
  }

  /** Greedy decoding with Hugging Face's repetition penalty, one full pass per token. */
  static int[] referencePenalized(int[] prompt, int maxNew, double penalty) {
    List<Integer> seq = new ArrayList<>();
    for (int id : prompt) {
      seq.add(id);
    }
    int[] out = new int[maxNew];
    for (int step = 0; step < maxNew; step++) {
      int[] ids = seq.stream().mapToInt(Integer::intValue).toArray();
      float[] l = lastLogits(ids);
      for (int id : new LinkedHashSet<>(seq)) {
        l[id] = l[id] > 0 ? (float) (l[id] / penalty) : (float) (l[id] * penalty);
      }
      int best = 0;
      for (int v = 1; v < l.length; v++) {
        if (l[v] > l[best]) {
          best = v;
        }
      }
      out[step] = best;
      seq.add(best);
    }
    return out;
  }

  @Test
  void repetitionPenaltyMatchesTheReferenceBatched() {
    List<int[]> prompts = new ArrayList<>();
    for (String t : texts.subList(0, 4)) {
      prompts.add(model.tokenizer().encode(t));
    }
    int maxNew = 10;
    List<Generator.Generation> plain =
        Generator.builder().setModel(model).optMaxNewTokens(maxNew).build().generateIds(prompts);
    for (double penalty : new double[] {1.5, 0.05}) {
      Generator gen =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(maxNew)
              .optRepetitionPenalty(penalty)
              .optBatchSize(4)
              .build();
      List<Generator.Generation> got = gen.generateIds(prompts);
      boolean differs = false;
      for (int i = 0; i < prompts.size(); i++) {
        int[] expected = referencePenalized(prompts.get(i), maxNew, penalty);
        int[] tokens = got.get(i).tokens();
        // the reference ignores eos; compare up to the engine's stop
        assertArrayEquals(
            Arrays.copyOf(expected, tokens.length), tokens, "prompt " + i + " penalty " + penalty);
        differs |= !Arrays.equals(tokens, plain.get(i).tokens());
      }
      if (penalty < 1) {
        assertTrue(differs, "a penalty of " + penalty + " changed no continuation");
      }
    }
    // penalties below 1 multiply negative logits by less than 1 and divide positive ones: boosted
    float[] l = {2f, -2f, 1f};
    Penalties.Row row = Penalties.huggingFace(0.5).start(new int[] {0, 1, 0});
    row.apply(l, 0);
    assertArrayEquals(new float[] {4f, -1f, 1f}, l);
  }

  @Test
  void stopStringEndsTheRowAndIsCutFromTheText() {
    String prompt = texts.get(0);
    Generator.Generation full =
        Generator.builder().setModel(model).optMaxNewTokens(24).build().generate(prompt);
    String text = full.text();
    assertTrue(text.length() > 8, "continuation too short to test: '" + text + "'");
    String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
    Generator.Generation cut =
        Generator.builder()
            .setModel(model)
            .optMaxNewTokens(24)
            .optStopStrings("\u0000never", stop)
            .build()
            .generate(prompt);
    assertEquals(Generator.FinishReason.STOP, cut.finishReason());
    assertFalse(cut.text().contains(stop), cut.text());
    assertEquals(text.substring(0, text.indexOf(stop)), cut.text());
    assertTrue(cut.tokens().length < full.tokens().length);
    assertArrayEquals(Arrays.copyOf(full.tokens(), cut.tokens().length), cut.tokens());
    // the decoded text of one token less does not hold the stop string yet
    String before = model.tokenizer().decode(Arrays.copyOf(cut.tokens(), cut.tokens().length - 1));
    assertFalse(before.contains(stop));
  }

  @Test
  void rowsThatFinishEarlyLeaveTheBatchWithoutChangingTheOthers() {
    List<int[]> prompts = new ArrayList<>();
    for (String t : texts) {
      prompts.add(model.tokenizer().encode(t));
    }
    // a stop token that some rows produce early and others later or never
    int[] first =
        Generator.builder()
            .setModel(model)
            .optMaxNewTokens(12)
            .build()
            .generateIds(List.of(prompts.get(0)))
            .get(0)
            .tokens();
    int stop = first[Math.min(3, first.length - 1)];
    for (boolean sample : new boolean[] {false, true}) {
      Generator.Builder b =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(12)
              .optStopTokens(stop)
              .optSeed(42)
              .optBatchSize(prompts.size());
      if (sample) {
        b.optTemperature(0.8).optTopK(20);
      }
      List<Generator.Generation> all = b.build().generateIds(prompts);
      // one prompt per batch: nothing to drop; prompt i draws from the same stream as in the big
      // batch
      List<Generator.Generation> single = b.optBatchSize(1).build().generateIds(prompts);
      Set<Integer> lengths = new LinkedHashSet<>();
      for (int i = 0; i < prompts.size(); i++) {
        Generator.Generation alone = single.get(i);
        assertArrayEquals(alone.tokens(), all.get(i).tokens(), "prompt " + i + " sample=" + sample);
        assertEquals(alone.finishReason(), all.get(i).finishReason());
        lengths.add(all.get(i).tokens().length);
      }
      if (!sample) {
        assertNotEquals(
            1, lengths.size(), "every row finished at the same step: nothing left the batch");
      }
    }
  }

  @Test
  void slidingWindowScoresEachTokenOnceWithTheWindowsContext() {
    String text = String.join(" ", texts);
    int[] ids = model.tokenizer().encode(text);
    int maxLength = 16;
    int stride = 5;
    assertTrue(ids.length > 3 * maxLength, "text too short: " + ids.length);
    Scorer scorer = Scorer.builder().setModel(model).optBatchSize(3).build();
    Scorer.TokenScores got = scorer.scoreSliding(text, maxLength, stride);
    assertEquals(ids.length - 1, got.count());
    // reference: token t is scored by the first window [begin, begin + maxLength) that reaches it,
    // with
    // context ids[begin..t-1], windows starting every stride tokens
    int prevEnd = 0;
    int checked = 0;
    for (int begin = 0; prevEnd < ids.length; begin += stride) {
      int end = Math.min(begin + maxLength, ids.length);
      for (int t = Math.max(prevEnd, 1); t < end; t++) {
        float[][] lp = model.logProbs(Arrays.copyOfRange(ids, begin, t + 1));
        assertEquals(lp[t - begin - 1][ids[t]], got.logProbs()[t - 1], 1e-4, "token " + t);
        assertTrue(t - begin >= (begin == 0 ? 1 : maxLength - stride), "context of token " + t);
        checked++;
      }
      prevEnd = end;
    }
    assertEquals(ids.length - 1, checked);
    // a window as long as the text is plain scoring; several texts batched equal each alone
    Scorer.TokenScores whole = scorer.score(texts.get(1));
    int n = whole.ids().length;
    assertArrayEquals(whole.logProbs(), scorer.scoreSliding(texts.get(1), n, 1).logProbs(), 1e-5f);
    // (batches of other sizes take other BLAS kernels: equal to float rounding, log-probs reach -50
    // here)
    List<Scorer.TokenScores> many =
        scorer.scoreAllSliding(List.of(texts.get(1), text), maxLength, stride);
    assertArrayEquals(got.logProbs(), many.get(1).logProbs(), 1e-4f);
    assertArrayEquals(
        scorer.scoreSliding(texts.get(1), maxLength, stride).logProbs(),
        many.get(0).logProbs(),
        1e-4f);
  }

  @Test
  void answerNormalisedChoiceScoreIsTheDifferenceOfTwoContinuationScores() {
    Scorer scorer = Scorer.builder().setModel(model).optBatchSize(4).build();
    String context = "Question: what do cats like? Answer:";
    List<String> choices = List.of(" fish", " cold water baths", " sleeping in the sun");
    List<Scorer.CalibratedScore> got = scorer.scoreChoicesCalibrated(context, choices);
    assertEquals(3, got.size());
    for (int i = 0; i < choices.size(); i++) {
      double cond = scorer.scoreContinuation(context, choices.get(i)).logLikelihood();
      double uncond = scorer.scoreContinuation("Answer:", choices.get(i)).logLikelihood();
      assertEquals(cond, got.get(i).conditional().logLikelihood(), 1e-4);
      assertEquals(uncond, got.get(i).unconditional().logLikelihood(), 1e-4);
      assertEquals(cond - uncond, got.get(i).score(), 1e-4);
      assertArrayEquals(
          scorer.scoreContinuation(context, choices.get(i)).continuationIds(),
          got.get(i).conditional().continuationIds());
    }
  }
}
