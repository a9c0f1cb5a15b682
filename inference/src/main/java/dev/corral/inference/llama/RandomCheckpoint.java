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
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes a random-weight LLaMA checkpoint of any size from a {@code config.json}: a Hugging Face
 * folder ({@code config.json}, {@code model.safetensors} in F32, and a {@code tokenizer.json} when
 * one is given and its vocabulary has {@code vocab_size} tokens), and optionally {@code model.gguf}
 * (GGUF v3, F32) for llama.cpp, laid out as the shared fixture's {@code make_model.py} writes it:
 * llama.cpp tensor names, the q and k rows permuted from Hugging Face's rotate-half order to
 * llama.cpp's interleaved one, the tokenizer's vocabulary in the {@code tokenizer.ggml.*} keys.
 * Weights are normal with standard deviation {@code initializer_range} (default 0.02), norms are
 * ones; every tensor draws from its own stream of {@code seed}, so a seed gives the same checkpoint
 * every time.
 *
 * <p>Nothing is written until everything is checked: the config, the output folder (an existing
 * non-empty one is replaced only when asked), and the exact bytes the checkpoint takes against the
 * free space of the output's file system. The files are written into a hidden folder beside the
 * output and moved into place only once complete, so a failed run (an exception, a full disk)
 * leaves nothing behind, and a replaced checkpoint stays whole until its successor is.
 */
public final class RandomCheckpoint {
  private static final int ALIGN = 32;

  /** The most values one tensor may hold: each is generated as one Java float array. */
  private static final long MAX_TENSOR_VALUES = Integer.MAX_VALUE - 8;

  /**
   * Fewer bytes than any tensor's entry in the safetensors header takes; bounds the header before
   * building it.
   */
  private static final long MIN_HEADER_ENTRY = 64;

  private RandomCheckpoint() {}

  /**
   * One tensor: Hugging Face name, llama.cpp name, shape (rows, cols) or (n), q/k heads to permute
   * (0: none).
   */
  record Tensor(String hf, String gguf, long[] shape, boolean norm, int permuteHeads) {
    long size() {
      long n = 1;
      for (long d : shape) {
        n = mulSat(n, d);
      }
      return n;
    }
  }

  /**
   * What a checkpoint will be, checked and measured, before a byte of it is written or a weight is
   * drawn.
   *
   * @param vocab the tokenizer's vocabulary when tokenizer.json is written, else null
   * @param ggufHeader the GGUF header and metadata when model.gguf is written, else null
   * @param bytes the exact bytes of all files, saturated at {@link Long#MAX_VALUE}
   */
  record Plan(
      LlamaConfig config,
      double std,
      List<Tensor> tensors,
      List<String> vocab,
      byte[] tokenizerJson,
      byte[] safetensorsHeader,
      byte[] ggufHeader,
      long bytes) {
    long params() {
      long n = 0;
      for (Tensor t : tensors) {
        n = addSat(n, t.size());
      }
      return n;
    }
  }

  /**
   * Writes the checkpoint for {@code configJson} into the folder {@code out}, which must not exist
   * or be empty; returns the number of parameters.
   *
   * @param tokenizerJson a LLaMA tokenizer.json's bytes, or null for none (then no GGUF can be
   *     written)
   */
  public static long write(
      Path configJson, Path out, long seed, boolean gguf, byte[] tokenizerJson) {
    return write(configJson, out, seed, gguf, tokenizerJson, false);
  }

  /**
   * {@link #write(Path, Path, long, boolean, byte[])}, replacing a non-empty {@code out} when
   * {@code overwrite}.
   */
  public static long write(
      Path configJson, Path out, long seed, boolean gguf, byte[] tokenizerJson, boolean overwrite) {
    return write(configJson, out, seed, gguf, tokenizerJson, overwrite, file -> {});
  }

  /**
   * The write, telling {@code written} of each file once it is complete in the temporary folder.
   */
  static long write(
      Path configJson,
      Path out,
      long seed,
      boolean gguf,
      byte[] tokenizerJson,
      boolean overwrite,
      Consumer<Path> written) {
    Path target = out.toAbsolutePath().normalize();
    checkOutput(target, overwrite);
    Plan plan = plan(configJson, gguf, tokenizerJson);
    long free = freeSpace(target);
    if (plan.bytes() > free) {
      throw Errors.noSpace(target.toString(), plan.bytes(), free);
    }
    for (Tensor t : plan.tensors()) {
      if (t.size() > MAX_TENSOR_VALUES) {
        throw Errors.unsupported(
            configJson.toString(),
            "tensor " + t.hf() + " of " + t.size() + " values (at most " + MAX_TENSOR_VALUES + ")");
      }
    }
    Path parent = target.getParent();
    Path temp = parent.resolve("." + target.getFileName() + ".init-random");
    boolean placed = false;
    try {
      Files.createDirectories(parent);
      deleteTree(temp); // what a killed run left
      Files.createDirectory(temp);
      Files.copy(configJson, temp.resolve("config.json"));
      written.accept(temp.resolve("config.json"));
      writeSafetensors(temp.resolve("model.safetensors"), plan, seed);
      written.accept(temp.resolve("model.safetensors"));
      if (plan.vocab() != null) {
        Files.write(temp.resolve("tokenizer.json"), plan.tokenizerJson());
        written.accept(temp.resolve("tokenizer.json"));
      }
      if (plan.ggufHeader() != null) {
        writeGguf(temp.resolve("model.gguf"), plan, seed);
        written.accept(temp.resolve("model.gguf"));
      }
      long wrote = 0;
      try (Stream<Path> files = Files.list(temp)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          wrote += Files.size(f);
        }
      }
      if (wrote != plan.bytes()) {
        throw new IllegalStateException(
            "init-random wrote " + wrote + " bytes but planned " + plan.bytes());
      }
      replace(temp, target);
      placed = true;
    } catch (IOException e) {
      throw Errors.unwritable(target.toString(), e);
    } finally {
      if (!placed) {
        deleteQuietly(temp);
      }
    }
    return plan.params();
  }

  /** The exact bytes {@link #write} writes for these arguments. */
  static long bytesToWrite(Path configJson, boolean gguf, byte[] tokenizerJson) {
    return plan(configJson, gguf, tokenizerJson).bytes();
  }

  /** Refuses a file, or a non-empty folder unless {@code overwrite}. */
  private static void checkOutput(Path target, boolean overwrite) {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw Errors.badOutput(target.toString(), "exists and is not a folder");
    }
    if (!overwrite) {
      try (Stream<Path> entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw Errors.badOutput(
              target.toString(),
              "the folder exists and is not empty; pass --overwrite to " + "replace it");
        }
      } catch (IOException e) {
        throw Errors.unreadable(target.toString(), e);
      }
    }
  }

  /** Usable bytes on the file system that holds (or will hold) {@code target}. */
  private static long freeSpace(Path target) {
    Path existing = target;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw Errors.badOutput(target.toString(), "no folder above it exists");
    }
    try {
      return Files.getFileStore(existing).getUsableSpace();
    } catch (IOException e) {
      throw Errors.unreadable(existing.toString(), e);
    }
  }

  /** Reads and checks everything the checkpoint depends on and measures it; draws no weight. */
  static Plan plan(Path configJson, boolean gguf, byte[] tokenizerJson) {
    JsonObject raw = LlamaConfig.parseObject(configJson);
    LlamaConfig c = LlamaConfig.readFile(configJson);
    double std = raw.has("initializer_range") ? raw.get("initializer_range").getAsDouble() : 0.02;
    if (!(std > 0) || Double.isInfinite(std)) {
      throw Errors.badConfig(configJson.toString(), "initializer_range", "must be > 0, got " + std);
    }
    List<String> vocab = tokenizerJson == null ? null : vocab(tokenizerJson);
    if (vocab != null && vocab.size() != c.vocabSize()) {
      vocab = null;
    }
    if (gguf) {
      if (vocab == null) {
        throw Errors.badArgument(
            "gguf",
            configJson.toString(),
            "a config whose vocab_size is the tokenizer's ("
                + (tokenizerJson == null
                    ? "no tokenizer given"
                    : vocab(tokenizerJson).size() + " tokens")
                + ")");
      }
      if (c.ropeScaling() != null) {
        throw Errors.unsupportedFeature(configJson.toString(), "rope_scaling in the GGUF writer");
      }
    }
    long tensorCount = 9L * c.nLayers() + 3;
    if (tensorCount * MIN_HEADER_ENTRY > SafeTensors.MAX_HEADER_BYTES) {
      throw Errors.unsupported(
          configJson.toString(),
          "num_hidden_layers "
              + c.nLayers()
              + ": the safetensors "
              + "header would pass the format's limit of "
              + SafeTensors.MAX_HEADER_BYTES
              + " bytes");
    }
    List<Tensor> tensors = tensors(c);
    byte[] stHeader = safetensorsHeader(tensors);
    long bytes = addSat(8 + stHeader.length, sizeOnDisk(configJson));
    for (Tensor t : tensors) {
      bytes = addSat(bytes, mulSat(t.size(), 4));
    }
    if (vocab != null) {
      bytes = addSat(bytes, tokenizerJson.length);
    }
    byte[] ggufHeader = null;
    if (gguf) {
      ggufHeader = ggufHeader(c, tensors, vocab);
      bytes = addSat(bytes, pad(ggufHeader.length));
      for (Tensor t : tensors) {
        bytes = addSat(bytes, pad(mulSat(t.size(), 4)));
      }
    }
    return new Plan(c, std, tensors, vocab, tokenizerJson, stHeader, ggufHeader, bytes);
  }

  private static long sizeOnDisk(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
  }

  /**
   * Moves the complete {@code temp} to {@code target}; an existing target is first moved aside
   * (hidden) and deleted only once {@code temp} is in its place, and put back if that fails.
   */
  private static void replace(Path temp, Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      move(temp, target);
      return;
    }
    Path old = target.resolveSibling("." + target.getFileName() + ".init-random-old");
    deleteTree(old);
    move(target, old);
    try {
      move(temp, target);
    } catch (IOException e) {
      move(old, target);
      throw e;
    }
    deleteQuietly(old); // the new checkpoint is in place; a leftover is removed by the next run
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static void deleteQuietly(Path root) {
    try {
      deleteTree(root);
    } catch (IOException | UncheckedIOException ignored) {
      // Cleaning up after a failure: the failure is what gets reported, and the next run deletes
      // the rest.
    }
  }

  static long mulSat(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  static long addSat(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  static List<Tensor> tensors(LlamaConfig c) {
    long q = (long) c.nHeads() * c.headSize();
    long kv = (long) c.nKvHeads() * c.headSize();
    List<Tensor> t = new ArrayList<>();
    t.add(
        new Tensor(
            "model.embed_tokens.weight",
            "token_embd.weight",
            new long[] {c.vocabSize(), c.dim()},
            false,
            0));
    for (int l = 0; l < c.nLayers(); l++) {
      String p = "model.layers." + l + ".";
      String g = "blk." + l + ".";
      t.add(
          new Tensor(
              p + "input_layernorm.weight", g + "attn_norm.weight", new long[] {c.dim()}, true, 0));
      t.add(
          new Tensor(
              p + "self_attn.q_proj.weight",
              g + "attn_q.weight",
              new long[] {q, c.dim()},
              false,
              c.nHeads()));
      t.add(
          new Tensor(
              p + "self_attn.k_proj.weight",
              g + "attn_k.weight",
              new long[] {kv, c.dim()},
              false,
              c.nKvHeads()));
      t.add(
          new Tensor(
              p + "self_attn.v_proj.weight",
              g + "attn_v.weight",
              new long[] {kv, c.dim()},
              false,
              0));
      t.add(
          new Tensor(
              p + "self_attn.o_proj.weight",
              g + "attn_output.weight",
              new long[] {c.dim(), q},
              false,
              0));
      t.add(
          new Tensor(
              p + "post_attention_layernorm.weight",
              g + "ffn_norm.weight",
              new long[] {c.dim()},
              true,
              0));
      t.add(
          new Tensor(
              p + "mlp.gate_proj.weight",
              g + "ffn_gate.weight",
              new long[] {c.hiddenDim(), c.dim()},
              false,
              0));
      t.add(
          new Tensor(
              p + "mlp.up_proj.weight",
              g + "ffn_up.weight",
              new long[] {c.hiddenDim(), c.dim()},
              false,
              0));
      t.add(
          new Tensor(
              p + "mlp.down_proj.weight",
              g + "ffn_down.weight",
              new long[] {c.dim(), c.hiddenDim()},
              false,
              0));
    }
    t.add(new Tensor("model.norm.weight", "output_norm.weight", new long[] {c.dim()}, true, 0));
    if (!c.tiedEmbeddings()) {
      t.add(
          new Tensor(
              "lm_head.weight", "output.weight", new long[] {c.vocabSize(), c.dim()}, false, 0));
    }
    return t;
  }

  /** The values of tensor {@code index}, Hugging Face row order. */
  static float[] values(Tensor t, int index, long seed, double std) {
    if (t.size() > MAX_TENSOR_VALUES) {
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
   * Hugging Face's rotate-half rows to llama.cpp's interleaved rows (convert_hf_to_gguf's permute):
   * within each head, row {@code i * half + j} moves to {@code 2 * j + i}.
   */
  static float[] permute(float[] w, int rows, int cols, int heads) {
    float[] out = new float[w.length];
    int hd = rows / heads;
    int half = hd / 2;
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < half; j++) {
          System.arraycopy(
              w, (h * hd + i * half + j) * cols, out, (h * hd + 2 * j + i) * cols, cols);
        }
      }
    }
    return out;
  }

  /** The safetensors JSON header, padded with spaces to a multiple of 8 bytes. */
  private static byte[] safetensorsHeader(List<Tensor> tensors) {
    StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long off = 0;
    for (Tensor t : tensors) {
      long bytes = mulSat(t.size(), 4);
      h.append(",\"").append(t.hf()).append("\":{\"dtype\":\"F32\",\"shape\":[");
      for (int i = 0; i < t.shape().length; i++) {
        h.append(i > 0 ? "," : "").append(t.shape()[i]);
      }
      h.append("],\"data_offsets\":[")
          .append(off)
          .append(',')
          .append(addSat(off, bytes))
          .append("]}");
      off = addSat(off, bytes);
    }
    h.append('}');
    while (h.length() % 8 != 0) {
      h.append(' ');
    }
    return h.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void writeSafetensors(Path file, Plan plan, long seed) throws IOException {
    byte[] header = plan.safetensorsHeader();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer len =
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
      writeFully(ch, len);
      writeFully(ch, ByteBuffer.wrap(header));
      List<Tensor> tensors = plan.tensors();
      for (int i = 0; i < tensors.size(); i++) {
        writeFloats(ch, values(tensors.get(i), i, seed, plan.std()));
      }
    }
  }

  /** The GGUF header: magic, version, counts, metadata and tensor infos (unpadded). */
  private static byte[] ggufHeader(LlamaConfig c, List<Tensor> tensors, List<String> vocab) {
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
      kv.u32(
          i == 0
              ? 2
              : i == 1 || i == 2
                  ? 3
                  : t.startsWith("<0x") && t.endsWith(">") && t.length() == 6 ? 6 : 1);
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
      for (int d = t.shape().length - 1;
          d >= 0;
          d--) { // ggml: ne[0] is the fastest-varying dimension
        head.u64(t.shape()[d]);
      }
      head.u32(0).u64(off); // F32
      off = addSat(off, pad(mulSat(t.size(), 4)));
    }
    return head.bytes();
  }

  private static void writeGguf(Path file, Plan plan, long seed) throws IOException {
    byte[] h = plan.ggufHeader();
    List<Tensor> tensors = plan.tensors();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      writeFully(ch, ByteBuffer.wrap(h));
      writeFully(ch, ByteBuffer.allocate((int) (pad(h.length) - h.length)));
      for (int i = 0; i < tensors.size(); i++) {
        Tensor t = tensors.get(i);
        float[] v = values(t, i, seed, plan.std());
        if (t.permuteHeads() > 0) {
          v = permute(v, (int) t.shape()[0], (int) t.shape()[1], t.permuteHeads());
        }
        writeFloats(ch, v);
        writeFully(ch, ByteBuffer.allocate((int) (pad(t.size() * 4) - t.size() * 4)));
      }
    }
  }

  private static long pad(long n) {
    return n > Long.MAX_VALUE - ALIGN ? Long.MAX_VALUE : (n + ALIGN - 1) / ALIGN * ALIGN;
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
    JsonObject model =
        JsonParser.parseString(new String(tokenizerJson, StandardCharsets.UTF_8))
            .getAsJsonObject()
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
