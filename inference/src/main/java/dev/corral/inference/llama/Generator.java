package dev.corral.inference.llama;

import ai.djl.ndarray.NDArray;
import dev.corral.core.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Text generation for a batch of prompts: the prompts are left-padded and run through the model
 * once (prefill), then one token per row per step is fed back through the {@link KvCache}. Greedy
 * by default (or as the checkpoint's {@code generation_config.json} says); temperature, top-k and
 * top-p sampling with a seed, and repetition penalties ({@link Penalties}: Hugging Face's, or
 * llama.cpp's with its window, frequency and presence penalties). A row stops at a stop token (the
 * checkpoint's eos ids plus any given), when its decoded text holds a stop string, or after {@code
 * maxNewTokens}; finished rows leave the batch (their cache rows are dropped), so they cost no more
 * compute. Prompts run in batches of {@code batchSize}, sorted by length; results come back in
 * input order. With sampling, prompt {@code i} draws from its own random stream derived from the
 * seed and {@code i}, so a run is reproducible whatever the batching.
 *
 * <pre>{@code
 * Generator gen = Generator.builder().setModel(model).optMaxNewTokens(32).build();
 * String text = gen.generate("Once upon a time").text();
 * }</pre>
 */
public final class Generator {
  private final LlamaModel model;
  private final int maxNewTokens;
  private final Sampler sampler;
  private final long seed;
  private final Set<Integer> stopTokens;
  private final int batchSize;
  private final Penalties penalties;
  private final List<String> stopStrings;

  private Generator(Builder b) {
    GenerationConfig g = b.model.generationConfig();
    this.model = b.model;
    this.maxNewTokens =
        b.maxNewTokens != null
            ? b.maxNewTokens
            : g.maxNewTokens() > 0 ? g.maxNewTokens() : Builder.DEFAULT_MAX_NEW_TOKENS;
    double temperature = b.temperature != null ? b.temperature : g.doSample() ? g.temperature() : 0;
    this.sampler =
        new Sampler(
            temperature, b.topK != null ? b.topK : g.topK(), b.topP != null ? b.topP : g.topP());
    this.seed = b.seed;
    this.stopTokens = new LinkedHashSet<>();
    for (int id : g.eosIds()) {
      stopTokens.add(id);
    }
    for (int id : b.stopTokens) {
      if (id < 0 || id >= model.config().vocabSize()) {
        throw Errors.badArgument(
            "stop token", id, "an id in 0.." + (model.config().vocabSize() - 1));
      }
      stopTokens.add(id);
    }
    this.batchSize = b.batchSize;
    this.penalties = b.penalties;
    this.stopStrings = List.copyOf(b.stopStrings);
    if (!stopStrings.isEmpty() && !model.hasTokenizer()) {
      throw Errors.badArgument(
          "stop strings", stopStrings, "none: the checkpoint has no tokenizer.json to decode with");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Why a row stopped. */
  public enum FinishReason {
    /**
     * It produced a stop token (kept as the last token), or its text came to hold a stop string
     * (the tokens that made it are kept; the text is cut before it).
     */
    STOP,
    /** It produced {@code maxNewTokens} tokens. */
    LENGTH
  }

  /**
   * One prompt's result.
   *
   * @param promptIds the prompt's tokens, BOS first
   * @param tokens the generated tokens, a stop token included
   * @param text the generated tokens decoded (special tokens skipped), or null without a tokenizer
   * @param finishReason why generation stopped
   */
  public record Generation(int[] promptIds, int[] tokens, String text, FinishReason finishReason) {}

  /** Continues one prompt. */
  public Generation generate(String prompt) {
    return generateAll(List.of(prompt)).get(0);
  }

  /** Continues every prompt, batched. */
  public List<Generation> generateAll(List<String> prompts) {
    List<int[]> ids = new ArrayList<>(prompts.size());
    for (String prompt : prompts) {
      ids.add(model.tokenizer().encode(prompt));
    }
    return generateIds(ids);
  }

  /**
   * Continues token id prompts (BOS first if the model expects one), batched; texts decoded if it
   * can.
   */
  public List<Generation> generateIds(List<int[]> prompts) {
    int max = model.config().maxPositions();
    for (int i = 0; i < prompts.size(); i++) {
      int len = prompts.get(i).length;
      if (len == 0) {
        throw Errors.badInput("prompt " + i, "no tokens");
      }
      if (len + maxNewTokens > max) {
        throw Errors.badInput(
            "prompt " + i,
            len
                + " tokens + "
                + maxNewTokens
                + " new ones exceed max_position_embeddings ("
                + max
                + ")");
      }
    }
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom[] rngs = new SplittableRandom[prompts.size()];
    for (int i = 0; i < rngs.length; i++) {
      rngs[i] = root.split();
    }
    Integer[] order = new Integer[prompts.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> prompts.get(i).length));
    Generation[] out = new Generation[prompts.size()];
    for (int from = 0; from < order.length; from += batchSize) {
      int n = Math.min(batchSize, order.length - from);
      List<int[]> batch = new ArrayList<>(n);
      SplittableRandom[] batchRngs = new SplittableRandom[n];
      for (int j = 0; j < n; j++) {
        batch.add(prompts.get(order[from + j]));
        batchRngs[j] = rngs[order[from + j]];
      }
      Generation[] results = generateBatch(batch, batchRngs);
      for (int j = 0; j < n; j++) {
        out[order[from + j]] = results[j];
      }
    }
    return List.of(out);
  }

  private Generation[] generateBatch(List<int[]> prompts, SplittableRandom[] rngs) {
    int n = prompts.size();
    int vocab = model.config().vocabSize();
    LlamaModel.Padded p = LlamaModel.Padded.left(prompts);
    int[][] generated = new int[n][maxNewTokens];
    int[] count = new int[n];
    FinishReason[] reason = new FinishReason[n];
    String[] texts = new String[n]; // set when a stop string ended the row
    int[] active = new int[n]; // cache row -> batch row, of the rows still generating
    for (int b = 0; b < n; b++) {
      active[b] = b;
    }
    // what each row has seen, prompt included, for the penalties
    boolean penalize = penalties.active();
    List<Penalties.Row> seen = new ArrayList<>(n);
    if (penalize) {
      for (int[] prompt : prompts) {
        seen.add(penalties.start(prompt));
      }
    }
    try (KvCache cache = model.newCache(n, p.width() + maxNewTokens)) {
      NDArray logits = model.forward(p.tokens(), p.real(), cache, true); // (active, 1, vocab)
      while (true) {
        int k = active.length;
        int[] next = new int[k];
        try (NDArray l = logits) {
          if (sampler.greedy() && !penalize) {
            try (NDArray argmax = l.argMax(-1)) {
              long[] ids = argmax.toLongArray();
              for (int i = 0; i < k; i++) {
                next[i] = (int) ids[i];
              }
            }
          } else {
            float[] flat = l.toFloatArray();
            for (int i = 0; i < k; i++) {
              if (penalize) {
                seen.get(active[i]).apply(flat, i * vocab);
              }
              next[i] = sampler.sample(flat, i * vocab, vocab, rngs[active[i]]);
            }
          }
        }
        int alive = 0;
        int[] keep = new int[k];
        for (int i = 0; i < k; i++) {
          int b = active[i];
          generated[b][count[b]++] = next[i];
          if (penalize) {
            seen.get(b).accept(next[i]);
          }
          if (stopTokens.contains(next[i])) {
            reason[b] = FinishReason.STOP;
          } else if (!stopStrings.isEmpty()
              && (texts[b] = stopStringText(generated[b], count[b])) != null) {
            reason[b] = FinishReason.STOP;
          } else if (count[b] == maxNewTokens) {
            reason[b] = FinishReason.LENGTH;
          } else {
            keep[alive++] = i;
          }
        }
        if (alive == 0) {
          break;
        }
        if (alive < k) { // finished rows leave the batch: they cost no more compute
          keep = Arrays.copyOf(keep, alive);
          cache.keep(keep);
          int[] kept = new int[alive];
          for (int i = 0; i < alive; i++) {
            kept[i] = active[keep[i]];
          }
          active = kept;
        }
        int[][] block = new int[alive][1];
        boolean[][] real = new boolean[alive][1];
        for (int i = 0; i < alive; i++) {
          int b = active[i];
          block[i][0] = generated[b][count[b] - 1];
          real[i][0] = true;
        }
        logits = model.forward(block, real, cache, true);
      }
    }
    Generation[] out = new Generation[n];
    for (int b = 0; b < n; b++) {
      int[] tokens = Arrays.copyOf(generated[b], count[b]);
      String text =
          texts[b] != null
              ? texts[b]
              : model.hasTokenizer() ? model.tokenizer().decode(tokens) : null;
      out[b] = new Generation(prompts.get(b), tokens, text, reason[b]);
    }
    return out;
  }

  /** The decoded text cut before the first stop string, or null when it holds none. */
  private String stopStringText(int[] tokens, int count) {
    String text = model.tokenizer().decode(Arrays.copyOf(tokens, count));
    int cut = -1;
    for (String stop : stopStrings) {
      int at = text.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    return cut < 0 ? null : text.substring(0, cut);
  }

  /**
   * {@code set*} fields are required, {@code opt*} optional (defaults from generation_config.json).
   */
  public static final class Builder {
    static final int DEFAULT_MAX_NEW_TOKENS = 128;

    private LlamaModel model;
    private Integer maxNewTokens;
    private Double temperature;
    private Integer topK;
    private Double topP;
    private long seed = 0;
    private int[] stopTokens = new int[0];
    private int batchSize = 8;
    private Penalties penalties = Penalties.none();
    private List<String> stopStrings = List.of();

    private Builder() {}

    /**
     * Hugging Face's repetition penalty (CTRL): before each pick, the logits of tokens already in
     * the prompt or the generated text are divided by it when positive, multiplied by it when
     * negative. 1 (default) is off.
     */
    public Builder optRepetitionPenalty(double penalty) {
      this.penalties = Penalties.huggingFace(penalty);
      return this;
    }

    /** Penalties in either convention (see {@link Penalties}); default none. */
    public Builder optPenalties(Penalties penalties) {
      this.penalties = java.util.Objects.requireNonNull(penalties, "penalties");
      return this;
    }

    /**
     * Strings that end a row once its decoded text holds one: finish reason STOP, the text cut
     * before it. Needs the checkpoint's tokenizer.
     */
    public Builder optStopStrings(String... stops) {
      for (String stop : stops) {
        if (stop == null || stop.isEmpty()) {
          throw Errors.badArgument("stop string", "'" + stop + "'", "a non-empty string");
        }
      }
      this.stopStrings = List.of(stops);
      return this;
    }

    public Builder setModel(LlamaModel model) {
      this.model = model;
      return this;
    }

    /**
     * Tokens to generate at most per prompt (default: max_new_tokens of generation_config.json,
     * else 128).
     */
    public Builder optMaxNewTokens(int maxNewTokens) {
      if (maxNewTokens <= 0) {
        throw Errors.badArgument("max new tokens", maxNewTokens, "a positive number");
      }
      this.maxNewTokens = maxNewTokens;
      return this;
    }

    /**
     * Sampling temperature; 0 is greedy (default: greedy unless generation_config.json sets
     * do_sample).
     */
    public Builder optTemperature(double temperature) {
      if (!(temperature >= 0) || Double.isInfinite(temperature)) {
        throw Errors.badArgument("temperature", temperature, "a finite number >= 0");
      }
      this.temperature = temperature;
      return this;
    }

    /** Sample among the k most likely tokens only; 0 turns it off. */
    public Builder optTopK(int topK) {
      if (topK < 0) {
        throw Errors.badArgument("top-k", topK, "a number >= 0");
      }
      this.topK = topK;
      return this;
    }

    /** Sample from the smallest most-likely set with probability >= p (nucleus); 1 turns it off. */
    public Builder optTopP(double topP) {
      if (!(topP > 0 && topP <= 1)) {
        throw Errors.badArgument("top-p", topP, "a number in (0, 1]");
      }
      this.topP = topP;
      return this;
    }

    /** Seed of the sampling streams (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Token ids that end a row, besides the checkpoint's eos ids. */
    public Builder optStopTokens(int... stopTokens) {
      this.stopTokens = stopTokens.clone();
      return this;
    }

    /** Prompts per batch (default 8). */
    public Builder optBatchSize(int batchSize) {
      if (batchSize <= 0) {
        throw Errors.badArgument("batch size", batchSize, "a positive number");
      }
      this.batchSize = batchSize;
      return this;
    }

    public Generator build() {
      if (model == null) {
        throw Errors.missing("Generator", "Model");
      }
      return new Generator(this);
    }
  }
}
