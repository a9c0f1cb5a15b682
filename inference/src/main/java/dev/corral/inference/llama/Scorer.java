package dev.corral.inference.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.corral.core.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Log-likelihood scoring as in the LLaMA paper's evaluation: the log-probability of every token of
 * a text given the ones before it (total, mean, perplexity), and of a continuation given a context.
 * Texts are tokenized with the model's tokenizer (BOS first), sorted by length and run in batches
 * of {@code batchSize} rows, left-padded; results come back in input order.
 *
 * <pre>{@code
 * Scorer scorer = Scorer.builder().setModel(model).optBatchSize(16).build();
 * double ppl = scorer.score("The quick brown fox").perplexity();
 * double ll = scorer.scoreContinuation("The capital of France is", " Paris").logLikelihood();
 * }</pre>
 */
public final class Scorer {
  private final LlamaModel model;
  private final int batchSize;

  private Scorer(Builder b) {
    this.model = b.model;
    this.batchSize = b.batchSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Scores of every token of a text after the first: {@code logProbs[i] = log P(ids[i+1] |
   * ids[..i])}.
   */
  public TokenScores score(String text) {
    return scoreAll(List.of(text)).get(0);
  }

  /** {@link #score(String)} for many texts, batched. */
  public List<TokenScores> scoreAll(List<String> texts) {
    return scoreIds(encodeAll(texts));
  }

  /** Scores of token id sequences (each with its BOS if the model expects one), batched. */
  public List<TokenScores> scoreIds(List<int[]> rows) {
    checkScorable(rows);
    Rows scored = run(rows);
    List<TokenScores> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      out.add(new TokenScores(rows.get(i), scored.logProbs[i]));
    }
    return out;
  }

  /** log P(continuation | context), the paper's multiple-choice and completion protocol. */
  public ContinuationScore scoreContinuation(String context, String continuation) {
    return scoreContinuations(List.of(context), List.of(continuation)).get(0);
  }

  /**
   * Continuation scores for pairs {@code (contexts[i], continuations[i])}, batched. As in
   * lm-evaluation-harness, the context's trailing spaces move to the continuation, then the
   * continuation's tokens are those of {@code context + continuation} after the context's own
   * tokens, so the pieces split where the tokenizer splits the whole text.
   */
  public List<ContinuationScore> scoreContinuations(
      List<String> contexts, List<String> continuations) {
    if (contexts.size() != continuations.size()) {
      throw Errors.badArgument(
          "continuations", continuations.size() + " items", contexts.size() + ", one per context");
    }
    LlamaTokenizer tok = model.tokenizer();
    List<int[]> rows = new ArrayList<>(contexts.size());
    int[] contextLengths = new int[contexts.size()];
    String[] conts = new String[contexts.size()];
    for (int i = 0; i < contexts.size(); i++) {
      String ctx = contexts.get(i);
      String cont = continuations.get(i);
      int trailing = ctx.length() - ctx.stripTrailing().length();
      if (trailing > 0 && ctx.substring(ctx.length() - trailing).chars().allMatch(c -> c == ' ')) {
        cont = ctx.substring(ctx.length() - trailing) + cont;
        ctx = ctx.substring(0, ctx.length() - trailing);
      }
      int[] whole = tok.encode(ctx + cont);
      int[] ctxIds = tok.encode(ctx);
      if (whole.length <= ctxIds.length) {
        throw Errors.badInput(
            "continuation " + i, "'" + continuations.get(i) + "' adds no tokens to its context");
      }
      rows.add(whole);
      contextLengths[i] = ctxIds.length;
      conts[i] = cont;
    }
    Rows scored = run(rows);
    List<ContinuationScore> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      int[] whole = rows.get(i);
      int from = contextLengths[i];
      double ll = 0;
      boolean greedy = true;
      for (int j = from; j < whole.length; j++) {
        ll += scored.logProbs[i][j - 1]; // log P(whole[j] | whole[..j-1])
        greedy &= scored.greedy[i][j - 1];
      }
      out.add(
          new ContinuationScore(
              Arrays.copyOf(whole, from),
              Arrays.copyOfRange(whole, from, whole.length),
              ll,
              greedy,
              conts[i].codePointCount(0, conts[i].length())));
    }
    return out;
  }

  /**
   * Scores of texts of any length with a sliding window, as Hugging Face's perplexity recipe:
   * windows of {@code maxLength} tokens start every {@code stride} tokens, and each window scores
   * only the tokens the previous one did not, so every token after the first is scored once, with
   * between {@code maxLength - stride} and {@code maxLength - 1} tokens of context (all of them in
   * the first window). Texts that fit in one window score as {@link #scoreAll}. All windows of all
   * texts run batched.
   */
  public List<TokenScores> scoreAllSliding(List<String> texts, int maxLength, int stride) {
    return scoreIdsSliding(encodeAll(texts), maxLength, stride);
  }

  /** {@link #scoreAllSliding} for one text. */
  public TokenScores scoreSliding(String text, int maxLength, int stride) {
    return scoreAllSliding(List.of(text), maxLength, stride).get(0);
  }

  /**
   * {@link #scoreAllSliding} for token id sequences (each with its BOS if the model expects one).
   */
  public List<TokenScores> scoreIdsSliding(List<int[]> rows, int maxLength, int stride) {
    if (maxLength < 2 || maxLength > model.config().maxPositions()) {
      throw Errors.badArgument(
          "max length",
          maxLength,
          "2.." + model.config().maxPositions() + " (max_position_embeddings)");
    }
    if (stride <= 0 || stride > maxLength) {
      throw Errors.badArgument("stride", stride, "1.." + maxLength + " (the max length)");
    }
    checkScorable(rows);
    List<int[]> windows = new ArrayList<>();
    List<int[]> spans = new ArrayList<>(); // per window: text, begin, first token scored, end
    for (int i = 0; i < rows.size(); i++) {
      int[] ids = rows.get(i);
      int prevEnd = 0;
      for (int begin = 0; prevEnd < ids.length; begin += stride) {
        int end = Math.min(begin + maxLength, ids.length);
        windows.add(Arrays.copyOfRange(ids, begin, end));
        spans.add(new int[] {i, begin, Math.max(prevEnd, 1), end});
        prevEnd = end;
      }
    }
    Rows scored = run(windows);
    float[][] logProbs = new float[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      logProbs[i] = new float[rows.get(i).length - 1];
    }
    for (int w = 0; w < windows.size(); w++) {
      int[] span = spans.get(w);
      for (int t = span[2];
          t < span[3];
          t++) { // token t, predicted from slot t - begin - 1 of the window
        logProbs[span[0]][t - 1] = scored.logProbs[w][t - span[1] - 1];
      }
    }
    List<TokenScores> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      out.add(new TokenScores(rows.get(i), logProbs[i]));
    }
    return out;
  }

  /**
   * The LLaMA paper's prompt for {@link #scoreCalibrated}: the completion's likelihood given only
   * this.
   */
  public static final String ANSWER_PROMPT = "Answer:";

  /**
   * The LLaMA paper's normalised multiple-choice score (used for OpenBookQA, BoolQ): log
   * P(completion | context) - log P(completion | "Answer:"), for pairs {@code (contexts[i],
   * continuations[i])}, batched.
   */
  public List<CalibratedScore> scoreCalibrated(List<String> contexts, List<String> continuations) {
    List<String> allContexts = new ArrayList<>(contexts);
    List<String> allContinuations = new ArrayList<>(continuations);
    if (contexts.size() != continuations.size()) {
      throw Errors.badArgument(
          "continuations", continuations.size() + " items", contexts.size() + ", one per context");
    }
    for (String c : continuations) {
      allContexts.add(ANSWER_PROMPT);
      allContinuations.add(c);
    }
    List<ContinuationScore> all = scoreContinuations(allContexts, allContinuations);
    List<CalibratedScore> out = new ArrayList<>(contexts.size());
    for (int i = 0; i < contexts.size(); i++) {
      out.add(new CalibratedScore(all.get(i), all.get(contexts.size() + i)));
    }
    return out;
  }

  /** {@link #scoreCalibrated} for one context and its candidate completions. */
  public List<CalibratedScore> scoreChoicesCalibrated(String context, List<String> choices) {
    return scoreCalibrated(Collections.nCopies(choices.size(), context), choices);
  }

  /**
   * A completion scored given its context and given only {@link #ANSWER_PROMPT}.
   *
   * @param conditional log P(completion | context)
   * @param unconditional log P(completion | "Answer:")
   */
  public record CalibratedScore(ContinuationScore conditional, ContinuationScore unconditional) {
    /**
     * log P(completion | context) - log P(completion | "Answer:"): pick the choice with the
     * highest.
     */
    public double score() {
      return conditional.logLikelihood() - unconditional.logLikelihood();
    }
  }

  private List<int[]> encodeAll(List<String> texts) {
    List<int[]> ids = new ArrayList<>(texts.size());
    for (String text : texts) {
      ids.add(model.tokenizer().encode(text));
    }
    return ids;
  }

  private static void checkScorable(List<int[]> rows) {
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).length < 2) {
        throw Errors.badInput(
            "text " + i, rows.get(i).length + " token(s); scoring needs at least 2");
      }
    }
  }

  /**
   * Per row: log P(row[t+1] | row[..t]) and whether row[t+1] was the argmax, for t in [0, len - 1).
   */
  private Rows run(List<int[]> rows) {
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).length > model.config().maxPositions()) {
        throw Errors.badInput(
            "text " + i,
            rows.get(i).length
                + " tokens exceed max_position_embeddings ("
                + model.config().maxPositions()
                + ")");
      }
    }
    Integer[] order = new Integer[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> rows.get(i).length));
    Rows out = new Rows(rows.size());
    for (int from = 0; from < order.length; from += batchSize) {
      int n = Math.min(batchSize, order.length - from);
      List<int[]> batch = new ArrayList<>(n);
      for (int j = 0; j < n; j++) {
        batch.add(rows.get(order[from + j]));
      }
      LlamaModel.Padded p = LlamaModel.Padded.left(batch);
      int width = p.width();
      long[] targets =
          new long[n * width]; // (batch, width): the token after each slot, 0 past the end
      for (int b = 0; b < n; b++) {
        for (int t = 0; t + 1 < width; t++) {
          targets[b * width + t] = p.tokens()[b][t + 1];
        }
      }
      float[] lp;
      long[] argmax;
      try (KvCache cache = model.newCache(n, width);
          NDArray logits = model.forward(p.tokens(), p.real(), cache, false);
          NDScope scope = new NDScope()) {
        NDManager m = logits.getManager();
        NDArray target = m.create(targets, new Shape(n, width, 1));
        lp = logits.logSoftmax(-1).gather(target, 2).toFloatArray(); // (batch, width)
        argmax = logits.argMax(-1).toLongArray(); // (batch, width)
        scope.suppressNotUsedWarning();
      }
      for (int b = 0; b < n; b++) {
        int row = order[from + b];
        int len = batch.get(b).length;
        int pad = width - len;
        float[] scores = new float[len - 1];
        boolean[] greedy = new boolean[len - 1];
        for (int t = 0; t < len - 1; t++) {
          scores[t] = lp[b * width + pad + t];
          greedy[t] = argmax[b * width + pad + t] == targets[b * width + pad + t];
        }
        out.logProbs[row] = scores;
        out.greedy[row] = greedy;
      }
    }
    return out;
  }

  private static final class Rows {
    final float[][] logProbs;
    final boolean[][] greedy;

    Rows(int n) {
      logProbs = new float[n][];
      greedy = new boolean[n][];
    }
  }

  /**
   * The log-probabilities of a text's tokens after the first.
   *
   * @param ids the text's token ids, BOS first
   * @param logProbs {@code logProbs[i] = log P(ids[i+1] | ids[..i])}, natural log
   */
  public record TokenScores(int[] ids, float[] logProbs) {
    /** Tokens scored: one less than the text's tokens. */
    public int count() {
      return logProbs.length;
    }

    /** Total log-likelihood, summed in double. */
    public double total() {
      double sum = 0;
      for (float lp : logProbs) {
        sum += lp;
      }
      return sum;
    }

    /** Mean log-likelihood per scored token. */
    public double mean() {
      return total() / count();
    }

    /** exp(-mean): the text's perplexity under the model. */
    public double perplexity() {
      return Math.exp(-mean());
    }
  }

  /**
   * log P(continuation | context).
   *
   * @param contextIds the context's tokens, BOS first
   * @param continuationIds the continuation's tokens
   * @param logLikelihood the sum of the continuation tokens' log-probabilities
   * @param greedy whether every continuation token was the most likely one (greedy decoding would
   *     produce it)
   * @param chars the continuation's length in Unicode code points
   */
  public record ContinuationScore(
      int[] contextIds, int[] continuationIds, double logLikelihood, boolean greedy, int chars) {
    /** Log-likelihood per continuation token. */
    public double perToken() {
      return logLikelihood / continuationIds.length;
    }

    /** Log-likelihood per continuation character (the paper's normalisation for some tasks). */
    public double perChar() {
      return logLikelihood / chars;
    }
  }

  /** {@code set*} fields are required, {@code opt*} optional. */
  public static final class Builder {
    private LlamaModel model;
    private int batchSize = 8;

    private Builder() {}

    public Builder setModel(LlamaModel model) {
      this.model = model;
      return this;
    }

    /** Rows per forward pass (default 8). */
    public Builder optBatchSize(int batchSize) {
      if (batchSize <= 0) {
        throw Errors.badArgument("batch size", batchSize, "a positive number");
      }
      this.batchSize = batchSize;
      return this;
    }

    public Scorer build() {
      if (model == null) {
        throw Errors.missing("Scorer", "Model");
      }
      return new Scorer(this);
    }
  }
}
