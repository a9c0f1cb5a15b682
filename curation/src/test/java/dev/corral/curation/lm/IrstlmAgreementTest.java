package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.text.PythonStr;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corral against IRSTLM, a second toolkit with its own ARPA evaluator and its own smoothing
 * (goldens, commands and conventions: see the README). IRSTLM's {@code compile-lm --eval} and
 * {@code score-lm} score the ARPA files Corral's trainer writes as Corral does, and Corral's
 * modified Kneser-Ney model is at least as good on held-out text as the best of IRSTLM's smoothings
 * trained on the same text and order.
 */
class IrstlmAgreementTest {
  // compile-lm prints two decimals; 1e-6 more for its double sums against Corral's float ones
  // (KenLM's).
  private static final double TWO_DECIMALS = 0.005 + 1e-6;
  private static final Map<Integer, NgramModel> MODELS = new ConcurrentHashMap<>();

  /**
   * One scored word of an IRSTLM listing: the word as IRSTLM saw it ({@code <unk>} if out of
   * vocabulary).
   */
  record Scored(String word, double log10p) {}

  /** compile-lm's closing line: {@code %% Nw=.. PP=.. PPwp=.. Nbo=.. Noov=.. OOV=..% logPr=..}. */
  record EvalTotals(int nw, double pp, int noov, double logPr) {}

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void compileLmScoresCorralModelsAsCorralDoes(int order) {
    NgramModel model = corral(order);
    List<String> lines = Goldens.lines("irstlm.eval.corral.o" + order + ".txt.gz");
    List<Scored> expected = scored(lines, true);
    List<Scored> actual = corralScores(model);
    assertEquals(
        actual.size(),
        expected.size(),
        "IRSTLM scores </s> and skips <s>, as Corral with bos and eos");
    double maxDiff = 0;
    double logPr = 0;
    int oov = 0;
    for (int i = 0; i < expected.size(); i++) {
      // The same words fall out of the vocabulary: IRSTLM maps them to <unk>, as KenLM and Corral
      // do.
      assertEquals(actual.get(i).word(), expected.get(i).word(), "word " + (i + 1));
      double diff = Math.abs(actual.get(i).log10p() - expected.get(i).log10p());
      maxDiff = Math.max(maxDiff, diff);
      assertTrue(
          diff <= TWO_DECIMALS,
          "word " + (i + 1) + ": " + actual.get(i) + " vs " + expected.get(i));
      logPr += actual.get(i).log10p();
      oov += actual.get(i).word().equals(NgramModel.UNK) ? 1 : 0;
    }
    EvalTotals totals = evalTotals(lines);
    assertEquals(totals.nw(), actual.size());
    assertEquals(totals.noov(), oov);
    assertEquals(totals.logPr(), logPr, TWO_DECIMALS);
    assertEquals(totals.pp(), Math.pow(10, -logPr / actual.size()), TWO_DECIMALS);
    System.out.printf(
        "order %d: %d words, max |Corral - compile-lm| word = %.3g (printed to 0.01), "
            + "logPr %.4f vs %.2f%n",
        order, actual.size(), maxDiff, logPr, totals.logPr());
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void scoreLmSentenceTotalsMatchCorral(int order) {
    NgramModel model = corral(order);
    List<String> sentences = Goldens.lines("heldout.txt");
    List<String> expected = Goldens.lines("irstlm.score.corral.o" + order + ".txt");
    assertEquals(sentences.size(), expected.size());
    double maxRel = 0;
    for (int i = 0; i < sentences.size(); i++) {
      double total = 0;
      for (float p : model.wordScores(sentences.get(i), true, true)) {
        total += p; // score-lm sums in a double
      }
      double want = Double.parseDouble(expected.get(i));
      double rel = Math.abs(total - want) / Math.abs(want);
      maxRel = Math.max(maxRel, rel);
      // score-lm prints six significant digits: at most 5e-6 relative, plus float sums of float
      // ARPA values.
      assertTrue(rel < 1e-5, "line " + (i + 1) + ": Corral " + total + ", score-lm " + want);
    }
    System.out.printf(
        "order %d: max relative |Corral - score-lm| sentence total = %.3g%n", order, maxRel);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void heldOutPerplexityWithinTwoPercentOfIrstlmBest(int order) {
    List<Scored> corral = corralScores(corral(order));
    double corralIv = perplexity(corral, false);
    double best = Double.POSITIVE_INFINITY;
    StringBuilder report = new StringBuilder();
    for (String smoothing : new String[] {"sb", "msb"}) {
      List<Scored> irstlm =
          scored(Goldens.lines("irstlm.tlm." + smoothing + ".o" + order + ".txt.gz"), false);
      assertEquals(corral.size(), irstlm.size());
      for (int i = 0; i < irstlm.size(); i++) {
        // Same vocabulary (both trained on the same text), so the same held-out words are left out
        // below.
        assertEquals(corral.get(i).word(), irstlm.get(i).word(), "word " + (i + 1));
      }
      double iv = perplexity(irstlm, false);
      best = Math.min(best, iv);
      report.append(
          String.format(" %s %.2f (with OOVs %.2f);", smoothing, iv, perplexity(irstlm, true)));
    }
    System.out.printf(
        "order %d held-out perplexity without OOVs: Corral %.2f (with OOVs %.2f), IRSTLM%s "
            + "Corral/best = %.4f%n",
        order, corralIv, perplexity(corral, true), report, corralIv / best);
    assertTrue(corralIv <= 1.02 * best, "Corral " + corralIv + " vs IRSTLM best " + best);
  }

  private static NgramModel corral(int order) {
    return MODELS.computeIfAbsent(
        order,
        k -> {
          String arpa = new NgramTrainer(k).trainToString(Goldens.corpus(k));
          return ArpaReader.read(
              new ByteArrayInputStream(arpa.getBytes(StandardCharsets.UTF_8)), "corral.o" + k);
        });
  }

  /**
   * Corral's score of every held-out word and closing {@code </s>}, OOV words named {@code <unk>}
   * as in IRSTLM's.
   */
  private static List<Scored> corralScores(NgramModel model) {
    List<Scored> out = new ArrayList<>();
    for (String sentence : Goldens.lines("heldout.txt")) {
      String[] words = PythonStr.split(sentence);
      float[] scores = model.wordScores(sentence, true, true);
      for (int i = 0; i < scores.length; i++) {
        String w = i < words.length ? words[i] : NgramModel.EOS;
        out.add(new Scored(model.contains(w) ? w : NgramModel.UNK, scores[i]));
      }
    }
    return out;
  }

  /**
   * Per-word lines, {@code context... word<TAB>1 [k-gram] log10p} (compile-lm {@code -d=2}) or
   * {@code context... word<TAB>1[k-gram] p log10p} (tlm {@code -op}): the last field is log10 p
   * either way.
   */
  private static List<Scored> scored(List<String> lines, boolean compileLm) {
    List<Scored> out = new ArrayList<>();
    for (String line : lines) {
      if (compileLm && line.startsWith("%%")) {
        break; // the totals; compile-lm's table statistics follow
      }
      String[] ngramAndRest = line.split("\t");
      String[] ngram = ngramAndRest[0].split(" ");
      String[] rest = ngramAndRest[1].split(" ");
      out.add(new Scored(ngram[ngram.length - 1], Double.parseDouble(rest[rest.length - 1])));
    }
    return out;
  }

  private static EvalTotals evalTotals(List<String> lines) {
    String line = lines.stream().filter(l -> l.startsWith("%% Nw=")).findFirst().orElseThrow();
    Map<String, String> kv = new HashMap<>();
    for (String field : line.substring(3).split(" ")) {
      String[] p = field.split("=");
      kv.put(p[0], p[1]);
    }
    return new EvalTotals(
        Integer.parseInt(kv.get("Nw")),
        Double.parseDouble(kv.get("PP")),
        Integer.parseInt(kv.get("Noov")),
        Double.parseDouble(kv.get("logPr")));
  }

  /**
   * 10^(-mean log10 p) over every scored word and {@code </s>}, or, without OOVs, over those in the
   * vocabulary.
   */
  private static double perplexity(List<Scored> scores, boolean withOov) {
    double sum = 0;
    int n = 0;
    for (Scored s : scores) {
      if (withOov || !s.word().equals(NgramModel.UNK)) {
        sum += s.log10p();
        n++;
      }
    }
    return Math.pow(10, -sum / n);
  }
}
