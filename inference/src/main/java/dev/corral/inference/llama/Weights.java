package dev.corral.inference.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.corral.core.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a LLaMA model as engine tensors, named as in llama2.c (Hugging Face names in
 * comments). Per-layer tensors are arrays indexed by layer; each shape is written {@code (out, in)}
 * as in {@code torch.nn.Linear}.
 *
 * <p>Loading first checks every tensor's presence, dtype and shape against {@link LlamaConfig},
 * then moves the data into tensors of one dtype, f32 or f16: f32 tensors for a CPU model are
 * memory-mapped and handed to PyTorch without a copy (the tensor borrows the mapped pages, so the
 * weights are never held twice); anything else is copied into a tensor of the model's dtype in
 * blocks of rows through small reused buffers (bf16 is widened in Java on the way: DJL 0.35's
 * PyTorch engine has no bfloat16 type and aborts the JVM on one); tensors for a GPU are then moved
 * one at a time.
 */
final class Weights {
  final NDArray tokenEmbeddingTable; // (vocab_size, dim)              model.embed_tokens.weight
  final NDArray[] rmsAttWeight; //      (layer) -> (dim)               input_layernorm.weight
  final NDArray[]
      wq; //                (layer) -> (n_heads * head_size, dim)     self_attn.q_proj.weight
  final NDArray[]
      wk; //                (layer) -> (n_kv_heads * head_size, dim)  self_attn.k_proj.weight
  final NDArray[]
      wv; //                (layer) -> (n_kv_heads * head_size, dim)  self_attn.v_proj.weight
  final NDArray[]
      wo; //                (layer) -> (dim, n_heads * head_size)     self_attn.o_proj.weight
  final NDArray[]
      rmsFfnWeight; //      (layer) -> (dim)               post_attention_layernorm.weight
  final NDArray[] w1; //                (layer) -> (hidden_dim, dim)   mlp.gate_proj.weight
  final NDArray[] w2; //                (layer) -> (dim, hidden_dim)   mlp.down_proj.weight
  final NDArray[] w3; //                (layer) -> (hidden_dim, dim)   mlp.up_proj.weight
  final NDArray rmsFinalWeight; //      (dim)                          model.norm.weight
  final NDArray
      wcls; //                (vocab_size, dim)              lm_head.weight, or the embedding if
  // tied
  final DataType dtype; //              of every tensor above: FLOAT32 or FLOAT16

  private Weights(Map<String, NDArray> t, LlamaConfig c, DataType dtype) {
    this.dtype = dtype;
    int n = c.nLayers();
    tokenEmbeddingTable = t.get("model.embed_tokens.weight");
    rmsAttWeight = new NDArray[n];
    wq = new NDArray[n];
    wk = new NDArray[n];
    wv = new NDArray[n];
    wo = new NDArray[n];
    rmsFfnWeight = new NDArray[n];
    w1 = new NDArray[n];
    w2 = new NDArray[n];
    w3 = new NDArray[n];
    for (int l = 0; l < n; l++) {
      String p = "model.layers." + l + ".";
      rmsAttWeight[l] = t.get(p + "input_layernorm.weight");
      wq[l] = t.get(p + "self_attn.q_proj.weight");
      wk[l] = t.get(p + "self_attn.k_proj.weight");
      wv[l] = t.get(p + "self_attn.v_proj.weight");
      wo[l] = t.get(p + "self_attn.o_proj.weight");
      rmsFfnWeight[l] = t.get(p + "post_attention_layernorm.weight");
      w1[l] = t.get(p + "mlp.gate_proj.weight");
      w2[l] = t.get(p + "mlp.down_proj.weight");
      w3[l] = t.get(p + "mlp.up_proj.weight");
    }
    rmsFinalWeight = t.get("model.norm.weight");
    wcls = c.tiedEmbeddings() ? tokenEmbeddingTable : t.get("lm_head.weight");
  }

  /** The tensors a checkpoint must hold for {@code c}, by Hugging Face name, with their shapes. */
  static Map<String, long[]> expectedShapes(LlamaConfig c) {
    long dim = c.dim();
    long q = (long) c.nHeads() * c.headSize();
    long kv = (long) c.nKvHeads() * c.headSize();
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("model.embed_tokens.weight", new long[] {c.vocabSize(), dim});
    for (int l = 0; l < c.nLayers(); l++) {
      String p = "model.layers." + l + ".";
      m.put(p + "input_layernorm.weight", new long[] {dim});
      m.put(p + "self_attn.q_proj.weight", new long[] {q, dim});
      m.put(p + "self_attn.k_proj.weight", new long[] {kv, dim});
      m.put(p + "self_attn.v_proj.weight", new long[] {kv, dim});
      m.put(p + "self_attn.o_proj.weight", new long[] {dim, q});
      m.put(p + "post_attention_layernorm.weight", new long[] {dim});
      m.put(p + "mlp.gate_proj.weight", new long[] {c.hiddenDim(), dim});
      m.put(p + "mlp.down_proj.weight", new long[] {dim, c.hiddenDim()});
      m.put(p + "mlp.up_proj.weight", new long[] {c.hiddenDim(), dim});
    }
    m.put("model.norm.weight", new long[] {dim});
    if (!c.tiedEmbeddings()) {
      m.put("lm_head.weight", new long[] {c.vocabSize(), dim});
    }
    return m;
  }

  /** The largest magnitude float16 holds; a weight beyond it would load as infinity. */
  private static final float F16_MAX = 65504f;

  /**
   * The dtype a model on {@code device} holds its weights in by default: f32 on the CPU (where the
   * engine computes in f32); on a GPU f16 when the checkpoint is stored in 16 bits (bf16 becomes
   * f16: DJL 0.35's PyTorch engine has no bfloat16), f32 otherwise.
   */
  private static DataType defaultType(Map<String, SafeTensors.Entry> entries, Device device) {
    if (device.equals(Device.cpu())) {
      return DataType.FLOAT32;
    }
    for (SafeTensors.Entry e : entries.values()) {
      if (e.dtype() == SafeTensors.DType.F32) {
        return DataType.FLOAT32;
      }
    }
    return DataType.FLOAT16;
  }

  /**
   * Checks the checkpoint in {@code dir} against {@code c} (every tensor present, shapes as
   * config.json says, nothing unexpected) and only then loads it into {@code manager}'s device as
   * {@code dtype} (FLOAT32 or FLOAT16; null for the device's default).
   */
  static Weights load(Path dir, LlamaConfig c, NDManager manager, DataType requested) {
    if (requested != null && requested != DataType.FLOAT32 && requested != DataType.FLOAT16) {
      throw Errors.badArgument("dtype", requested, "float32 or float16");
    }
    Map<String, SafeTensors.Entry> entries = SafeTensors.open(dir);
    DataType dtype = requested != null ? requested : defaultType(entries, manager.getDevice());
    Map<String, long[]> expected = expectedShapes(c);
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      SafeTensors.Entry entry = entries.get(e.getKey());
      if (entry == null) {
        throw Errors.badTensor(dir.toString(), e.getKey(), "is missing from the checkpoint");
      }
      if (!Arrays.equals(entry.shape(), e.getValue())) {
        throw Errors.badTensor(
            entry.file().toString(),
            e.getKey(),
            "has shape "
                + entry.shapeString()
                + " but config.json implies "
                + Arrays.toString(e.getValue()));
      }
    }
    for (SafeTensors.Entry entry : entries.values()) {
      String name = entry.name();
      boolean ignorable =
          name.endsWith(".rotary_emb.inv_freq") // recomputed from rope_theta
              || (c.tiedEmbeddings()
                  && name.equals("lm_head.weight")); // a saved copy of the tied embedding
      if (!expected.containsKey(name) && !ignorable) {
        throw Errors.badTensor(
            entry.file().toString(),
            name,
            "is not part of a LlamaForCausalLM with this config.json");
      }
    }
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    try (Loader loader = new Loader(manager, dtype)) {
      for (String name : expected.keySet()) {
        tensors.put(name, loader.load(entries.get(name)));
      }
    } catch (IOException | RuntimeException e) {
      for (NDArray t : tensors.values()) {
        t.close();
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw Errors.unreadable(dir.toString(), (IOException) e);
    }
    return new Weights(tensors, c, dtype);
  }

  /** Moves tensors from their files into engine tensors, one at a time. */
  private static final class Loader implements AutoCloseable {
    /** Largest tensor mapped in place: what one Java buffer can index. */
    private static final long MAX_MAPPED_BYTES = Integer.MAX_VALUE;

    /**
     * Copied tensors move in blocks of rows of about this many f32 bytes, bounding the extra
     * memory.
     */
    private static final long BLOCK_BYTES = 32L << 20;

    private final NDManager target;
    private final DataType dtype;
    private final NDManager staging;
    private final boolean mapInPlace;
    private final Map<Path, FileChannel> channels = new LinkedHashMap<>();
    private ByteBuffer scratch; // file bytes of one block
    private ByteBuffer wide; //    a 16-bit block widened to f32
    private float[] halfTable; //  f16 bits -> f32, made on the first f16 tensor

    Loader(NDManager target, DataType dtype) {
      this.target = target;
      this.dtype = dtype;
      this.mapInPlace = target.getDevice().equals(Device.cpu()) && dtype == DataType.FLOAT32;
      this.staging = mapInPlace ? target : NDManager.newBaseManager(Device.cpu());
    }

    NDArray load(SafeTensors.Entry e) throws IOException {
      FileChannel ch = channel(e.file());
      Shape shape = new Shape(e.shape());
      if (e.dtype() == SafeTensors.DType.F32 && mapInPlace && e.length() <= MAX_MAPPED_BYTES) {
        // Zero copy: PyTorch's tensor points into the mapping, which it keeps alive through the
        // buffer.
        ByteBuffer mapped =
            ch.map(FileChannel.MapMode.READ_ONLY, e.offset(), e.length())
                .order(ByteOrder.LITTLE_ENDIAN);
        return finish(staging.create(mapped, shape, DataType.FLOAT32));
      }
      // Otherwise copy into a tensor PyTorch owns, a block of rows at a time (tensors here are 1-D
      // or 2-D).
      long rows = e.shape()[0];
      long rowElements = rows == 0 ? 0 : e.elements() / rows;
      long rowsPerBlock = Math.max(1, BLOCK_BYTES / Math.max(1, rowElements * Float.BYTES));
      NDArray dest = staging.zeros(shape, dtype);
      try {
        for (long r = 0; r < rows; r += rowsPerBlock) {
          long n = Math.min(rowsPerBlock, rows - r);
          long[] blockShape = e.shape().clone();
          blockShape[0] = n;
          long offset = e.offset() + r * rowElements * e.dtype().bytes;
          NDIndex at = new NDIndex("{}:{}", r, r + n);
          try (NDArray block = readBlock(ch, e, offset, n * rowElements, new Shape(blockShape))) {
            if (block.getDataType() == dtype) {
              dest.set(at, block);
            } else {
              try (NDArray narrowed = narrow(block, e)) {
                dest.set(at, narrowed);
              }
            }
          }
        }
      } catch (IOException | RuntimeException ex) {
        dest.close();
        throw ex;
      }
      return finish(dest);
    }

    /**
     * {@code elements} values from byte {@code offset} as a CPU tensor over the reused buffers:
     * f32, or f16 when both the file and the model hold f16.
     */
    private NDArray readBlock(
        FileChannel ch, SafeTensors.Entry e, long offset, long elements, Shape shape)
        throws IOException {
      int n = Math.toIntExact(elements * e.dtype().bytes);
      if (scratch == null || scratch.capacity() < n) {
        scratch = ByteBuffer.allocateDirect(n).order(ByteOrder.LITTLE_ENDIAN);
      }
      ByteBuffer raw = scratch.duplicate();
      raw.clear().limit(n);
      SafeTensors.readFully(ch, raw, offset, e.file().toString());
      raw = raw.flip().slice().order(ByteOrder.LITTLE_ENDIAN);
      switch (e.dtype()) {
        case F32:
          return staging.create(raw, shape, DataType.FLOAT32);
        case F16:
          if (dtype == DataType.FLOAT16) {
            return staging.create(raw, shape, DataType.FLOAT16);
          }
          return widen(raw, elements, shape, halfToFloat());
        case BF16:
          return widen(raw, elements, shape, null);
        default:
          throw new IllegalStateException(e.dtype().toString());
      }
    }

    /**
     * 16-bit values widened to f32 in Java into one reused buffer, so that no block allocates
     * engine memory (freed blocks would stay in the process's heap): f16 through {@code table},
     * bf16 (no table) as its bits shifted left by 16, since DJL 0.35's PyTorch engine aborts the
     * JVM on a bfloat16 buffer.
     */
    private NDArray widen(ByteBuffer raw, long elements, Shape shape, float[] table) {
      int bytes = Math.toIntExact(elements * Float.BYTES);
      if (wide == null || wide.capacity() < bytes) {
        wide = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
      }
      ByteBuffer out = wide.duplicate().clear().limit(bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < elements; i++) {
        int h = raw.getShort(i * 2) & 0xffff;
        out.putFloat(i * Float.BYTES, table != null ? table[h] : Float.intBitsToFloat(h << 16));
      }
      return staging.create(out, shape, DataType.FLOAT32);
    }

    /** The f32 value of every f16 bit pattern, converted once by the engine itself. */
    private float[] halfToFloat() {
      if (halfTable == null) {
        ByteBuffer all = ByteBuffer.allocateDirect(2 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int h = 0; h < 1 << 16; h++) {
          all.putShort(h * 2, (short) h);
        }
        try (NDArray half = staging.create(all, new Shape(1 << 16), DataType.FLOAT16);
            NDArray f = half.toType(DataType.FLOAT32, false)) {
          halfTable = f.toFloatArray();
        }
      }
      return halfTable;
    }

    /** An f32 block as f16; a value float16 cannot hold is an error naming the tensor. */
    private NDArray narrow(NDArray block, SafeTensors.Entry e) {
      try (NDArray hi = block.max();
          NDArray lo = block.min()) { // two reductions: no block-sized temporary
        float m = Math.max(hi.getFloat(), -lo.getFloat());
        if (!(m <= F16_MAX)) {
          throw Errors.badTensor(
              e.file().toString(),
              e.name(),
              "holds " + m + ", beyond float16's range (max " + F16_MAX + "); load it as float32");
        }
      }
      return block.toType(dtype, false);
    }

    /** Puts a CPU tensor where the model lives. */
    private NDArray finish(NDArray cpu) {
      if (mapInPlace) {
        cpu.attach(target);
        return cpu;
      }
      NDArray moved = cpu.toDevice(target.getDevice(), true);
      moved.attach(target);
      cpu.close();
      return moved;
    }

    private FileChannel channel(Path file) throws IOException {
      FileChannel ch = channels.get(file);
      if (ch == null) {
        ch = FileChannel.open(file, StandardOpenOption.READ);
        channels.put(file, ch);
      }
      return ch;
    }

    @Override
    public void close() throws IOException {
      for (FileChannel ch : channels.values()) {
        ch.close();
      }
      if (staging != target) {
        staging.close();
      }
    }
  }
}
