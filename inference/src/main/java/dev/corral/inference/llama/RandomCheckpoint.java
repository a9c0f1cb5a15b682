package dev.corral.inference.llama;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.corral.core.Errors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random-weight LLaMA checkpoint of any size from a {@code config.json}: a Hugging Face folder
 * ({@code config.json}, {@code model.safetensors} in F32, and a {@code tokenizer.json} when one is given and its
 * vocabulary has {@code vocab_size} tokens), and optionally {@code model.gguf} (GGUF v3, F32) for llama.cpp,
 * laid out as the shared fixture's {@code make_model.py} writes it: llama.cpp tensor names, the q and k rows
 * permuted from Hugging Face's rotate-half order to llama.cpp's interleaved one, the tokenizer's vocabulary
 * in the {@code tokenizer.ggml.*} keys. Weights are normal with standard deviation {@code initializer_range}
 * (default 0.02), norms are ones; every tensor draws from its own stream of {@code seed}, so a seed gives the
 * same checkpoint every time.
 */
public final class RandomCheckpoint {
  private static final int ALIGN = 32;

  private RandomCheckpoint() {}

  /** One tensor: Hugging Face name, llama.cpp name, shape (rows, cols) or (n), q/k heads to permute (0: none). */
  record Tensor(String hf, String gguf, long[] shape, boolean norm, int permuteHeads) {
    long size() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /**
   * Writes the checkpoint for {@code configJson} into {@code out}; returns the number of parameters.
   *
   * @param tokenizerJson a LLaMA tokenizer.json's bytes, or null for none (then no GGUF can be written)
   */
  public static long write(Path configJson, Path out, long seed, boolean gguf, byte[] tokenizerJson) {
    try {
      Files.createDirectories(out);
      Files.copy(configJson, out.resolve("config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      JsonObject raw = LlamaConfig.parseObject(out.resolve("config.json"));
      LlamaConfig c = LlamaConfig.read(out);
      double std = raw.has("initializer_range") ? raw.get("initializer_range").getAsDouble() : 0.02;
      if (!(std > 0) || Double.isInfinite(std)) {
        throw Errors.badConfig(configJson.toString(), "initializer_range", "must be > 0, got " + std);
      }
      List<Tensor> tensors = tensors(c);
      writeSafetensors(out.resolve("model.safetensors"), tensors, seed, std);
      List<String> vocab = tokenizerJson == null ? null : vocab(tokenizerJson);
      if (vocab != null && vocab.size() == c.vocabSize()) {
        Files.write(out.resolve("tokenizer.json"), tokenizerJson);
      } else {
        vocab = null;
      }
      if (gguf) {
        if (vocab == null) {
          throw Errors.badArgument("gguf", configJson.toString(), "a config whose vocab_size is the tokenizer's ("
              + (tokenizerJson == null ? "no tokenizer given" : vocab(tokenizerJson).size() + " tokens") + ")");
        }
        if (c.ropeScaling() != null) {
          throw Errors.unsupportedFeature(configJson.toString(), "rope_scaling in the GGUF writer");
        }
        writeGguf(out.resolve("model.gguf"), c, tensors, vocab, seed, std);
      }
      long params = 0;
      for (Tensor t : tensors) {
        params += t.size();
      }
      return params;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Tensor> tensors(LlamaConfig c) {
    long q = (long) c.nHeads() * c.headSize();
    long kv = (long) c.nKvHeads() * c.headSize();
    List<Tensor> t = new ArrayList<>();
    t.add(new Tensor("model.embed_tokens.weight", "token_embd.weight", new long[] {c.vocabSize(), c.dim()}, false, 0));
    for (int l = 0; l < c.nLayers(); l++) {
      String p = "model.layers." + l + ".";
      String g = "blk." + l + ".";
      t.add(new Tensor(p + "input_layernorm.weight", g + "attn_norm.weight", new long[] {c.dim()}, true, 0));
      t.add(new Tensor(p + "self_attn.q_proj.weight", g + "attn_q.weight", new long[] {q, c.dim()}, false, c.nHeads()));
      t.add(new Tensor(p + "self_attn.k_proj.weight", g + "attn_k.weight", new long[] {kv, c.dim()}, false,
          c.nKvHeads()));
      t.add(new Tensor(p + "self_attn.v_proj.weight", g + "attn_v.weight", new long[] {kv, c.dim()}, false, 0));
      t.add(new Tensor(p + "self_attn.o_proj.weight", g + "attn_output.weight", new long[] {c.dim(), q}, false, 0));
      t.add(new Tensor(p + "post_attention_layernorm.weight", g + "ffn_norm.weight", new long[] {c.dim()}, true, 0));
      t.add(new Tensor(p + "mlp.gate_proj.weight", g + "ffn_gate.weight", new long[] {c.hiddenDim(), c.dim()}, false,
          0));
      t.add(new Tensor(p + "mlp.up_proj.weight", g + "ffn_up.weight", new long[] {c.hiddenDim(), c.dim()}, false, 0));
      t.add(new Tensor(p + "mlp.down_proj.weight", g + "ffn_down.weight", new long[] {c.dim(), c.hiddenDim()}, false,
          0));
    }
    t.add(new Tensor("model.norm.weight", "output_norm.weight", new long[] {c.dim()}, true, 0));
    if (!c.tiedEmbeddings()) {
      t.add(new Tensor("lm_head.weight", "output.weight", new long[] {c.vocabSize(), c.dim()}, false, 0));
    }
    return t;
  }

  /** The values of tensor {@code index}, Hugging Face row order. */
  static float[] values(Tensor t, int index, long seed, double std) {
    if (t.size() > Integer.MAX_VALUE - 8) {
      throw Errors.unsupportedFeature(t.hf(), "tensors of more than 2^31 values");
    }
    float[] v = new float[(int) t.size()];
    if (t.norm()) {
      java.util.Arrays.fill(v, 1f);
      return v;
    }
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * std);
    }
    return v;
  }

  /**
   * Hugging Face's rotate-half rows to llama.cpp's interleaved rows (convert_hf_to_gguf's permute): within each
   * head, row {@code i * half + j} moves to {@code 2 * j + i}.
   */
  static float[] permute(float[] w, int rows, int cols, int heads) {
    float[] out = new float[w.length];
    int hd = rows / heads;
    int half = hd / 2;
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < half; j++) {
          System.arraycopy(w, (h * hd + i * half + j) * cols, out, (h * hd + 2 * j + i) * cols, cols);
        }
      }
    }
    return out;
  }

  private static void writeSafetensors(Path file, List<Tensor> tensors, long seed, double std) throws IOException {
    StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long off = 0;
    for (Tensor t : tensors) {
      long bytes = t.size() * 4;
      h.append(",\"").append(t.hf()).append("\":{\"dtype\":\"F32\",\"shape\":[");
      for (int i = 0; i < t.shape().length; i++) {
        h.append(i > 0 ? "," : "").append(t.shape()[i]);
      }
      h.append("],\"data_offsets\":[").append(off).append(',').append(off + bytes).append("]}");
      off += bytes;
    }
    h.append('}');
    while (h.length() % 8 != 0) {
      h.append(' ');
    }
    byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
      writeFully(ch, len);
      writeFully(ch, ByteBuffer.wrap(header));
      for (int i = 0; i < tensors.size(); i++) {
        writeFloats(ch, values(tensors.get(i), i, seed, std));
      }
    }
  }

  private static void writeGguf(Path file, LlamaConfig c, List<Tensor> tensors, List<String> vocab, long seed,
      double std) throws IOException {
    Gguf kv = new Gguf();
    int n = 0;
    n += kv.str("general.architecture", "llama");
    n += kv.str("general.name", "corral-random");
    n += kv.u32("general.file_type", 0);
    n += kv.u32("general.alignment", ALIGN);
    n += kv.u32("llama.context_length", c.maxPositions());
    n += kv.u32("llama.embedding_length", c.dim());
    n += kv.u32("llama.block_count", c.nLayers());
    n += kv.u32("llama.feed_forward_length", c.hiddenDim());
    n += kv.u32("llama.rope.dimension_count", c.headSize());
    n += kv.u32("llama.attention.head_count", c.nHeads());
    n += kv.u32("llama.attention.head_count_kv", c.nKvHeads());
    if (c.headSize() * c.nHeads() != c.dim()) {
      n += kv.u32("llama.attention.key_length", c.headSize());
      n += kv.u32("llama.attention.value_length", c.headSize());
    }
    n += kv.f32("llama.attention.layer_norm_rms_epsilon", (float) c.normEps());
    n += kv.f32("llama.rope.freq_base", (float) c.ropeTheta());
    n += kv.u32("llama.vocab_size", c.vocabSize());
    n += kv.str("tokenizer.ggml.model", "llama");
    kv.key("tokenizer.ggml.tokens", Gguf.ARR).u32(Gguf.STR).u64(vocab.size());
    for (String t : vocab) {
      kv.string(t);
    }
    kv.key("tokenizer.ggml.scores", Gguf.ARR).u32(Gguf.F32).u64(vocab.size());
    for (int i = 0; i < vocab.size(); i++) {
      kv.f32v(-(float) i); // -0.0 first, as make_model.py
    }
    kv.key("tokenizer.ggml.token_type", Gguf.ARR).u32(Gguf.I32).u64(vocab.size());
    for (int i = 0; i < vocab.size(); i++) {
      String t = vocab.get(i);
      kv.u32(i == 0 ? 2 : i == 1 || i == 2 ? 3 : t.startsWith("<0x") && t.endsWith(">") && t.length() == 6 ? 6 : 1);
    }
    n += 3;
    n += kv.u32("tokenizer.ggml.bos_token_id", c.bosId() >= 0 ? c.bosId() : 1);
    n += kv.u32("tokenizer.ggml.eos_token_id", c.eosIds().length > 0 ? c.eosIds()[0] : 2);
    n += kv.u32("tokenizer.ggml.unknown_token_id", 0);
    n += kv.bool("tokenizer.ggml.add_bos_token", true);
    n += kv.bool("tokenizer.ggml.add_eos_token", false);

    Gguf head = new Gguf();
    head.raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensors.size()).u64(n);
    head.raw(kv.bytes());
    long off = 0;
    for (Tensor t : tensors) {
      head.string(t.gguf()).u32(t.shape().length);
      for (int d = t.shape().length - 1; d >= 0; d--) { // ggml: ne[0] is the fastest-varying dimension
        head.u64(t.shape()[d]);
      }
      head.u32(0).u64(off); // F32
      off += pad(t.size() * 4);
    }
    byte[] h = head.bytes();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, ByteBuffer.wrap(h));
      writeFully(ch, ByteBuffer.allocate((int) (pad(h.length) - h.length)));
      for (int i = 0; i < tensors.size(); i++) {
        Tensor t = tensors.get(i);
        float[] v = values(t, i, seed, std);
        if (t.permuteHeads() > 0) {
          v = permute(v, (int) t.shape()[0], (int) t.shape()[1], t.permuteHeads());
        }
        writeFloats(ch, v);
        writeFully(ch, ByteBuffer.allocate((int) (pad(t.size() * 4) - t.size() * 4)));
      }
    }
  }

  private static long pad(long n) {
    return (n + ALIGN - 1) / ALIGN * ALIGN;
  }

  private static void writeFloats(FileChannel ch, float[] v) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < v.length; ) {
      buf.clear();
      int m = Math.min(v.length - i, buf.capacity() / 4);
      buf.asFloatBuffer().put(v, i, m);
      buf.limit(m * 4);
      writeFully(ch, buf);
      i += m;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** tokenizer.json's model.vocab, by id; an error when the ids are not 0..n-1. */
  static List<String> vocab(byte[] tokenizerJson) {
    JsonObject model = JsonParser.parseString(new String(tokenizerJson, StandardCharsets.UTF_8)).getAsJsonObject()
        .getAsJsonObject("model");
    JsonObject v = model.getAsJsonObject("vocab");
    String[] byId = new String[v.size()];
    for (Map.Entry<String, JsonElement> e : v.entrySet()) {
      int id = e.getValue().getAsInt();
      if (id < 0 || id >= byId.length || byId[id] != null) {
        throw Errors.badInput("tokenizer.json", "vocabulary ids are not 0.." + (byId.length - 1));
      }
      byId[id] = e.getKey();
    }
    return List.of(byId);
  }

  /** Little-endian GGUF bytes. */
  private static final class Gguf {
    static final int U32 = 4;
    static final int I32 = 5;
    static final int F32 = 6;
    static final int BOOL = 7;
    static final int STR = 8;
    static final int ARR = 9;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteBuffer b8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    Gguf raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    Gguf u32(long v) {
      out.write(b8.clear().putInt((int) v).array(), 0, 4);
      return this;
    }

    Gguf u64(long v) {
      out.write(b8.clear().putLong(v).array(), 0, 8);
      return this;
    }

    Gguf f32v(float v) {
      out.write(b8.clear().putFloat(v).array(), 0, 4);
      return this;
    }

    Gguf string(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      return u64(bytes.length).raw(bytes);
    }

    Gguf key(String key, int type) {
      return string(key).u32(type);
    }

    int str(String key, String v) {
      key(key, STR).string(v);
      return 1;
    }

    int u32(String key, long v) {
      key(key, U32).u32(v);
      return 1;
    }

    int f32(String key, float v) {
      key(key, F32).f32v(v);
      return 1;
    }

    int bool(String key, boolean v) {
      key(key, BOOL).out.write(v ? 1 : 0);
      return 1;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
