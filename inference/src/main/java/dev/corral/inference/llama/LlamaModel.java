package dev.corral.inference.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import dev.corral.core.Errors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LLaMA-family causal language model (Touvron et al. 2023) on DJL NDArrays with the PyTorch
 * engine, loaded from a Hugging Face checkpoint folder; it computes in f32 on the CPU, in f16 on a
 * GPU when the checkpoint is stored in 16 bits (norm statistics and softmax in f32 there, as
 * Hugging Face does). {@link #forward} reads top to bottom like the paper: token embedding; per
 * layer a pre-norm (RMSNorm) grouped-query attention block with rotary position embeddings (Hugging
 * Face's rotate-half convention) and a pre-norm SwiGLU feed-forward block, each added to the
 * residual stream; a final RMSNorm; the output projection to vocabulary logits.
 *
 * <p>A batch holds rows of different lengths left-padded to one width: padding slots are masked out
 * of attention and skipped by rotary positions, so every row computes what it would alone. Keys and
 * values go to a {@link KvCache}, so generation feeds only the new token each step.
 *
 * <p>Use {@link Scorer} for log-likelihoods and {@link Generator} for text; close the model to free
 * its tensors.
 */
public final class LlamaModel implements AutoCloseable {
  private final Path dir;
  private final LlamaConfig config;
  private final GenerationConfig generationConfig;
  private final LlamaTokenizer tokenizer; // null when the folder has no tokenizer.json
  private final NDManager manager;
  private final Weights w;
  private final NDArray invFreq; // (head_size / 2) f64: rotary frequencies, rope scaling applied
  private final float attentionScale; // 1 / sqrt(head_size)
  private final DataType dtype; // of the weights, the cache and the activations: FLOAT32 or FLOAT16
  // weight -> (ROW_BLOCKS, in, out / ROW_BLOCKS) view of it, for the CPU's few-row products (see
  // linear)
  private final Map<NDArray, NDArray> rowBlocks;

  /**
   * Blocks of weight rows a CPU product of at most {@link #MAX_BLOCKED_ROWS} rows is split into.
   */
  private static final int ROW_BLOCKS = 8;

  private static final long MAX_BLOCKED_ROWS = 16;

  private LlamaModel(
      Path dir,
      LlamaConfig config,
      GenerationConfig generationConfig,
      LlamaTokenizer tokenizer,
      NDManager manager,
      Weights w) {
    this.dir = dir;
    this.config = config;
    this.generationConfig = generationConfig;
    this.tokenizer = tokenizer;
    this.manager = manager;
    this.w = w;
    this.invFreq = manager.create(config.ropeInvFreq());
    this.attentionScale = (float) (1.0 / Math.sqrt(config.headSize()));
    this.dtype = w.dtype;
    this.rowBlocks = manager.getDevice().equals(Device.cpu()) ? rowBlocks(w) : Map.of();
  }

  /**
   * Each weight matrix whose rows split evenly into {@link #ROW_BLOCKS} as a (P, in, out / P) view
   * of it.
   */
  private static Map<NDArray, NDArray> rowBlocks(Weights w) {
    Map<NDArray, NDArray> views = new IdentityHashMap<>();
    for (NDArray[] perLayer :
        List.of(w.wq, w.wk, w.wv, w.wo, w.w1, w.w2, w.w3, new NDArray[] {w.wcls})) {
      for (NDArray weight : perLayer) {
        long out = weight.getShape().get(0);
        if (out % ROW_BLOCKS != 0) {
          continue;
        }
        try (NDArray byBlock =
            weight.reshape(ROW_BLOCKS, out / ROW_BLOCKS, weight.getShape().get(1))) {
          NDArray view =
              byBlock.transpose(0, 2, 1); // shares the weight's memory; closed with the model
          NDScope.unregister(view);
          views.put(weight, view);
        }
      }
    }
    return views;
  }

  /**
   * Loads the checkpoint in {@code dir} ({@code config.json}, {@code model.safetensors} or a
   * sharded index, optional {@code generation_config.json} and {@code tokenizer.json}) onto {@code
   * device}, in f32 on the CPU and, on a GPU, in f16 when the checkpoint is stored in 16 bits.
   */
  public static LlamaModel load(Path dir, Device device) {
    return load(dir, device, null);
  }

  /**
   * {@link #load(Path, Device)} in the given dtype: {@code FLOAT32}, or {@code FLOAT16} (half the
   * memory; bf16 checkpoints are converted, and a weight beyond float16's range is refused); null
   * for the default.
   */
  public static LlamaModel load(Path dir, Device device, DataType dtype) {
    LlamaConfig config = LlamaConfig.read(dir);
    GenerationConfig generation = GenerationConfig.read(dir, config);
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    LlamaTokenizer tokenizer = null;
    try {
      Weights weights = Weights.load(dir, config, manager, dtype);
      Path tokenizerJson = dir.resolve("tokenizer.json");
      if (Files.isRegularFile(tokenizerJson)) {
        tokenizer = LlamaTokenizer.load(tokenizerJson);
      }
      return new LlamaModel(dir, config, generation, tokenizer, manager, weights);
    } catch (RuntimeException e) {
      manager.close();
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw e;
    }
  }

  /** Loads the checkpoint in {@code dir} on the CPU. */
  public static LlamaModel load(Path dir) {
    return load(dir, Device.cpu());
  }

  public LlamaConfig config() {
    return config;
  }

  public GenerationConfig generationConfig() {
    return generationConfig;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** The dtype the weights are held and the model computes in: FLOAT32 or FLOAT16. */
  public DataType dtype() {
    return dtype;
  }

  public boolean hasTokenizer() {
    return tokenizer != null;
  }

  /** The checkpoint's tokenizer; an error when its folder has no {@code tokenizer.json}. */
  public LlamaTokenizer tokenizer() {
    if (tokenizer == null) {
      throw Errors.badInput(
          dir.toString(), "the checkpoint has no tokenizer.json; pass token ids instead of text");
    }
    return tokenizer;
  }

  /** An empty cache for {@code batchSize} rows of up to {@code capacity} tokens each. */
  public KvCache newCache(int batchSize, int capacity) {
    if (batchSize <= 0) {
      throw Errors.badArgument("batch size", batchSize, "a positive number");
    }
    if (capacity <= 0 || capacity > config.maxPositions()) {
      throw Errors.badArgument(
          "cache capacity", capacity, "1.." + config.maxPositions() + " (max_position_embeddings)");
    }
    return new KvCache(manager, config, batchSize, capacity, dtype);
  }

  /**
   * The next-token log-probabilities after every position of one sequence: {@code [t][v] = log P(v
   * | ids[..t])}. Meant for inspection and tests (it returns {@code length x vocab} floats); {@link
   * Scorer} is the lean path.
   */
  public float[][] logProbs(int[] ids) {
    return logProbs(List.of(ids)).get(0);
  }

  /** {@link #logProbs(int[])} for a batch of sequences, computed together (left-padded). */
  public List<float[][]> logProbs(List<int[]> rows) {
    Padded p = Padded.left(rows);
    try (KvCache cache = newCache(rows.size(), p.width());
        NDArray logits = forward(p.tokens(), p.real(), cache, false);
        NDArray lp = logits.logSoftmax(-1)) {
      float[] flat = lp.toFloatArray();
      int v = config.vocabSize();
      float[][][] out = new float[rows.size()][][];
      for (int b = 0; b < rows.size(); b++) {
        int len = rows.get(b).length;
        int pad = p.width() - len;
        out[b] = new float[len][v];
        for (int t = 0; t < len; t++) {
          System.arraycopy(flat, ((b * p.width()) + pad + t) * v, out[b][t], 0, v);
        }
      }
      return List.of(out);
    }
  }

  /**
   * One forward pass over a block of {@code T} new tokens for every row of {@code cache}'s batch.
   *
   * @param tokens (batch, T) token ids; padding slots may hold any id
   * @param real (batch, T) which slots hold real tokens (false: padding, masked out and given no
   *     position)
   * @param cache keys and values of earlier blocks; this block's are appended
   * @param lastOnly compute logits for the last slot only (what generation needs)
   * @return logits (batch, T or 1, vocab_size) f32, owned by the caller (close it)
   */
  NDArray forward(int[][] tokens, boolean[][] real, KvCache cache, boolean lastOnly) {
    int batch = cache.batchSize();
    int t = tokens[0].length;
    int start = cache.length;
    int s = start + t; // slots attended to after this block
    checkBlock(tokens, real, cache, t, s);

    long[] ids = new long[batch * t];
    long[] pos = new long[batch * t];
    int[] nextPosition = cache.nextPosition.clone();
    boolean[] keyReal = new boolean[batch * s];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < t; i++) {
        ids[b * t + i] = tokens[b][i];
        pos[b * t + i] = real[b][i] ? nextPosition[b]++ : 0;
      }
      System.arraycopy(cache.real[b], 0, keyReal, b * s, start);
      System.arraycopy(real[b], 0, keyReal, b * s + start, t);
    }

    NDArray logits;
    try (NDScope scope = new NDScope()) {
      NDManager m = cache.manager;
      NDArray mask = attentionMask(m, keyReal, batch, t, s, start); // (batch, 1, 1, T, S) 0 or -inf
      NDArray[] rope =
          rotary(m.create(pos, new Shape(batch, t))); // cos, sin: (batch, T, 1, head_size)
      NDIndex written =
          new NDIndex(":, :, {}:{}", start, s); // the cache slots of this block's keys and values
      NDIndex seen = new NDIndex(":, :, :{}", s); //              the slots attended to

      // token embedding
      NDArray x =
          Embedding.embedding(
                  m.create(ids, new Shape(batch, t)), w.tokenEmbeddingTable, SparseFormat.DENSE)
              .singletonOrThrow(); // (batch, T, dim)

      for (int l = 0; l < config.nLayers(); l++) {
        NDArray out;
        // A scope per layer frees its activations (scores are batch x heads x T x S floats) before
        // the next
        // layer: memory is one layer's worth, not n_layers' worth.
        try (NDScope layer = new NDScope()) {
          // attention block: x = x + Attention(RMSNorm(x))
          NDArray xb = rmsnorm(x, w.rmsAttWeight[l]); // (batch, T, dim)
          NDArray h = x.add(attention(l, xb, rope[0], rope[1], mask, cache, written, seen));
          // feed-forward block: x = x + SwiGLU(RMSNorm(x))
          xb = rmsnorm(h, w.rmsFfnWeight[l]);
          out = h.add(feedForward(l, xb));
          NDScope.unregister(out);
          layer.suppressNotUsedWarning();
        }
        x.close(); // the previous layer's output (or the embedding): no longer needed
        x = out;
      }
      NDScope.register(x); // the last layer's output goes with the outer scope
      if (lastOnly) {
        x = x.get(new NDIndex(":, {}:, :", t - 1)); // (batch, 1, dim)
      }
      x = rmsnorm(x, w.rmsFinalWeight);
      logits = f32(linear(x, w.wcls)); // (batch, T or 1, vocab_size)
      logits.attach(m);
      NDScope.unregister(logits);
      scope.suppressNotUsedWarning();
    }
    for (int b = 0; b < batch; b++) {
      System.arraycopy(real[b], 0, cache.real[b], start, t);
    }
    System.arraycopy(nextPosition, 0, cache.nextPosition, 0, batch);
    cache.length = s;
    return logits;
  }

  /** RMSNorm: x / sqrt(mean(x^2) + eps) * weight, over the last axis (the statistics in f32). */
  private NDArray rmsnorm(NDArray x, NDArray weight) {
    NDArray x32 = f32(x);
    NDArray ms = x32.square().mean(new int[] {-1}, true); // (batch, T, 1)
    return x32.div(ms.add((float) config.normEps()).sqrt()).toType(dtype, false).mul(weight);
  }

  /** {@code x} as f32: itself when it is. */
  private static NDArray f32(NDArray x) {
    return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
  }

  /** Grouped-query self-attention over the cache's slots, this block's keys and values appended. */
  private NDArray attention(
      int l,
      NDArray x,
      NDArray cos,
      NDArray sin,
      NDArray mask,
      KvCache cache,
      NDIndex written,
      NDIndex seen) {
    long batch = x.getShape().get(0);
    long t = x.getShape().get(1);
    int hs = config.headSize();
    int nKv = config.nKvHeads();
    int group = config.nHeads() / nKv; // query heads per key/value head

    NDArray q =
        linear(x, w.wq[l]).reshape(batch, t, config.nHeads(), hs); // (batch, T, n_heads, head_size)
    NDArray k =
        linear(x, w.wk[l])
            .reshape(batch, t, nKv, hs); //            (batch, T, n_kv_heads, head_size)
    NDArray v =
        linear(x, w.wv[l])
            .reshape(batch, t, nKv, hs); //            (batch, T, n_kv_heads, head_size)
    q = rope(q, cos, sin);
    k = rope(k, cos, sin);

    cache.keys[l].set(
        written, k.transpose(0, 2, 1, 3)); //   cache: (batch, n_kv_heads, capacity, head_size)
    cache.values[l].set(written, v.transpose(0, 2, 1, 3));
    NDArray keys =
        cache.keys[l].get(seen).expandDims(2); //     (batch, n_kv_heads, 1, S, head_size)
    NDArray values =
        cache.values[l].get(seen).expandDims(2); // (batch, n_kv_heads, 1, S, head_size)

    // query head h uses key/value head h / group: split the heads axis into (n_kv_heads, group)
    NDArray qg =
        q.reshape(batch, t, nKv, group, hs).transpose(0, 2, 3, 1, 4); // (batch, n_kv, group, T, hs)
    NDArray scores =
        f32(qg.matMul(keys.transpose(0, 1, 2, 4, 3))) //            (batch, n_kv, group, T, S)
            .mul(attentionScale)
            .add(mask);
    NDArray att = scores.softmax(-1).toType(dtype, false);
    NDArray out =
        att.matMul(values) //                                            (batch, n_kv, group, T, hs)
            .transpose(0, 3, 1, 2, 4)
            .reshape(batch, t, (long) config.nHeads() * hs); // (batch, T, n_heads * hs)
    return linear(out, w.wo[l]); // (batch, T, dim)
  }

  /** SwiGLU feed-forward: w2(silu(w1 x) * w3 x). */
  private NDArray feedForward(int l, NDArray x) {
    NDArray gate = linear(x, w.w1[l]); // (batch, T, hidden_dim)
    NDArray up = linear(x, w.w3[l]); //   (batch, T, hidden_dim)
    return linear(gate.mul(Activation.sigmoid(gate)).mul(up), w.w2[l]); // (batch, T, dim)
  }

  /** Rotary embedding, rotate-half convention: x * cos + rotate_half(x) * sin. */
  private static NDArray rope(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().get(3) / 2;
    NDList halves = x.split(new long[] {half}, 3); // x1 = x[..., :half], x2 = x[..., half:]
    NDArray rotated =
        NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), 3); // (-x2, x1)
    return x.mul(cos).add(rotated.mul(sin));
  }

  /**
   * cos and sin of position * frequency, (batch, T, 1, head_size), the frequencies repeated for the
   * two halves; angles in f64 so long positions keep their precision.
   */
  private NDArray[] rotary(NDArray positions) {
    NDArray angles =
        positions.toType(DataType.FLOAT64, false).expandDims(-1).mul(invFreq); // (batch, T, hs/2)
    NDArray emb =
        NDArrays.concat(new NDList(angles, angles), -1).expandDims(2); //        (batch, T, 1, hs)
    return new NDArray[] {emb.cos().toType(dtype, false), emb.sin().toType(dtype, false)};
  }

  /**
   * Additive attention mask, (batch, 1, 1, T, S): slot j is visible from the query in slot i when j
   * <= i (causal) and j holds a real token; a query always sees itself, so padding rows stay
   * finite.
   */
  private static NDArray attentionMask(
      NDManager m, boolean[] keyReal, int batch, int t, int s, int start) {
    NDArray query = m.arange(start, s).reshape(t, 1); // (T, 1) slot of each query
    NDArray key = m.arange(0, s).reshape(1, s); //        (1, S)
    NDArray real = m.create(keyReal, new Shape(batch, 1, s)); // (batch, 1, S)
    NDArray visible =
        key.lte(query).expandDims(0).logicalAnd(real).logicalOr(key.eq(query)); // (batch, T, S)
    Shape shape = new Shape(batch, t, s); // PyTorch's where broadcasts, DJL's does not
    NDArray zero = m.zeros(shape, DataType.FLOAT32);
    NDArray blocked = m.full(shape, Float.NEGATIVE_INFINITY, DataType.FLOAT32);
    return NDArrays.where(visible, zero, blocked).reshape(batch, 1, 1, t, s);
  }

  /**
   * x W^T over the last axis. A few rows on the CPU (decoding) run as {@link #ROW_BLOCKS} products
   * over blocks of W's rows: MKL computes a lone row as a matrix-vector product on one core, at
   * about a third of memory bandwidth on CPUs it has no tuned kernel for, while its batched product
   * spreads the blocks over all cores (the same dot products; see BENCHMARKS.md, "LLaMA engine vs
   * llama.cpp").
   */
  private NDArray linear(NDArray x, NDArray weight) {
    Shape in = x.getShape();
    long rows = in.size() / in.tail();
    NDArray blocks = rowBlocks.get(weight); // (P, in, out / P)
    if (rows > MAX_BLOCKED_ROWS || blocks == null) {
      return Linear.linear(x, weight).singletonOrThrow();
    }
    NDArray y = x.reshape(rows, in.tail()).matMul(blocks); // (P, rows, out / P)
    long[] shape = in.getShape().clone();
    shape[shape.length - 1] = weight.getShape().get(0);
    return y.transpose(1, 0, 2).reshape(new Shape(shape)); // (..., out)
  }

  private void checkBlock(int[][] tokens, boolean[][] real, KvCache cache, int t, int s) {
    if (tokens.length != cache.batchSize() || real.length != cache.batchSize()) {
      throw Errors.badArgument(
          "batch", tokens.length + " rows", cache.batchSize() + " rows, as the cache");
    }
    if (t == 0) {
      throw Errors.badArgument("block", "0 tokens", "at least one token");
    }
    if (s > cache.capacity()) {
      throw Errors.badArgument(
          "block",
          t + " tokens after " + cache.length,
          "at most " + cache.capacity() + " tokens in all (the cache's capacity)");
    }
    for (int b = 0; b < tokens.length; b++) {
      if (tokens[b].length != t || real[b].length != t) {
        throw Errors.badArgument(
            "row " + b, tokens[b].length + " tokens", t + ", as every row of the block");
      }
      for (int id : tokens[b]) {
        if (id < 0 || id >= config.vocabSize()) {
          throw Errors.badInput(
              "row " + b, "token id " + id + " is outside the vocabulary of " + config.vocabSize());
        }
      }
    }
  }

  @Override
  public void close() {
    manager.close();
    if (tokenizer != null) {
      tokenizer.close();
    }
  }

  /**
   * Rows of token ids left-padded to one width, so that every row's last token is in the last slot.
   *
   * @param tokens (rows, width) ids, 0 in padding slots
   * @param real (rows, width) false in padding slots
   */
  record Padded(int[][] tokens, boolean[][] real) {
    int width() {
      return tokens[0].length;
    }

    static Padded left(List<int[]> rows) {
      if (rows.isEmpty()) {
        throw Errors.badArgument("batch", "no rows", "at least one row");
      }
      int width = 0;
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).length == 0) {
          throw Errors.badInput("row " + i, "no tokens");
        }
        width = Math.max(width, rows.get(i).length);
      }
      int[][] tokens = new int[rows.size()][width];
      boolean[][] real = new boolean[rows.size()][width];
      for (int b = 0; b < rows.size(); b++) {
        int[] row = rows.get(b);
        int pad = width - row.length;
        System.arraycopy(row, 0, tokens[b], pad, row.length);
        for (int i = pad; i < width; i++) {
          real[b][i] = true;
        }
      }
      return new Padded(tokens, real);
    }
  }
}
