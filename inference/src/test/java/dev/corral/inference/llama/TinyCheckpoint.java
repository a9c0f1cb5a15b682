package dev.corral.inference.llama;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A random LLaMA checkpoint written from Java (config.json + safetensors), for tests of features
 * the shared fixture lacks. Weights are multiples of 1/64 in [-2, 2], exact in F32, F16 and BF16
 * alike, so the three encodings of one checkpoint must give the same outputs.
 */
final class TinyCheckpoint {
  int vocab = 64;
  int dim = 32;
  int hidden = 40;
  int layers = 2;
  int heads = 4;
  int kvHeads = 2;
  int headDim = 0; // 0: not in config.json (dim / heads)
  int maxPos = 64;
  double eps = 1e-5;
  double theta = 10000;
  boolean tied = false;
  String ropeScalingJson = null; // e.g. {"rope_type":"llama3",...}
  int[] eos = {2, 3};
  final Map<String, float[]> tensors = new LinkedHashMap<>();
  final Map<String, long[]> shapes = new LinkedHashMap<>();

  int headSize() {
    return headDim > 0 ? headDim : dim / heads;
  }

  /** Fills every tensor with seeded random values. */
  TinyCheckpoint randomize(long seed) {
    Random r = new Random(seed);
    tensors.clear();
    shapes.clear();
    int q = heads * headSize();
    int kv = kvHeads * headSize();
    put(r, "model.embed_tokens.weight", 1.0, false, vocab, dim);
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      put(r, p + "input_layernorm.weight", 0.2, true, dim);
      put(r, p + "self_attn.q_proj.weight", 0.3, false, q, dim);
      put(r, p + "self_attn.k_proj.weight", 0.3, false, kv, dim);
      put(r, p + "self_attn.v_proj.weight", 0.3, false, kv, dim);
      put(r, p + "self_attn.o_proj.weight", 0.3, false, dim, q);
      put(r, p + "post_attention_layernorm.weight", 0.2, true, dim);
      put(r, p + "mlp.gate_proj.weight", 0.3, false, hidden, dim);
      put(r, p + "mlp.down_proj.weight", 0.3, false, dim, hidden);
      put(r, p + "mlp.up_proj.weight", 0.3, false, hidden, dim);
    }
    put(r, "model.norm.weight", 0.2, true, dim);
    if (!tied) {
      put(r, "lm_head.weight", 0.5, false, vocab, dim);
    }
    return this;
  }

  private void put(Random r, String name, double std, boolean aroundOne, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      double x = (aroundOne ? 1 : 0) + r.nextGaussian() * std;
      v[i] = (float) (Math.max(-128, Math.min(128, Math.rint(x * 64))) / 64);
    }
    tensors.put(name, v);
    shapes.put(name, shape);
  }

  String configJson() {
    StringBuilder s = new StringBuilder("{\n");
    s.append("  \"architectures\": [\"LlamaForCausalLM\"],\n  \"model_type\": \"llama\",\n");
    s.append(
        String.format(
            Locale.ROOT,
            "  \"vocab_size\": %d,\n  \"hidden_size\": %d,\n  \"intermediate_size\": %d,\n"
                + "  \"num_hidden_layers\": %d,\n  \"num_attention_heads\": %d,\n  \"num_key_value_heads\": %d,\n"
                + "  \"max_position_embeddings\": %d,\n  \"rms_norm_eps\": %s,\n  \"rope_theta\": %s,\n"
                + "  \"tie_word_embeddings\": %s,\n  \"bos_token_id\": 1,\n  \"eos_token_id\": %s,\n"
                + "  \"hidden_act\": \"silu\"",
            vocab,
            dim,
            hidden,
            layers,
            heads,
            kvHeads,
            maxPos,
            eps,
            theta,
            tied,
            java.util.Arrays.toString(eos)));
    if (headDim > 0) {
      s.append(",\n  \"head_dim\": ").append(headDim);
    }
    s.append(",\n  \"rope_scaling\": ").append(ropeScalingJson == null ? "null" : ropeScalingJson);
    return s.append("\n}\n").toString();
  }

  /** Writes config.json and model.safetensors (dtype F32, F16 or BF16) into {@code dir}. */
  Path write(Path dir, String dtype) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), configJson());
    Files.write(
        dir.resolve("model.safetensors"), safetensors(new ArrayList<>(tensors.keySet()), dtype));
    return dir;
  }

  /** A safetensors file holding {@code names} in {@code dtype}. */
  byte[] safetensors(List<String> names, String dtype) {
    int size = dtype.equals("F32") ? 4 : 2;
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    for (String name : names) {
      long bytes = (long) tensors.get(name).length * size;
      StringBuilder shape = new StringBuilder();
      for (long d : shapes.get(name)) {
        shape.append(shape.length() == 0 ? "" : ",").append(d);
      }
      header.append(
          String.format(
              Locale.ROOT,
              ",\"%s\":{\"dtype\":\"%s\",\"shape\":[%s],\"data_offsets\":[%d,%d]}",
              name,
              dtype,
              shape,
              offset,
              offset + bytes));
      offset += bytes;
    }
    header.append('}');
    while ((header.length() + 8) % 8 != 0) {
      header.append(' ');
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out =
        ByteBuffer.allocate((int) (8 + h.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(h.length).put(h);
    for (String name : names) {
      for (float f : tensors.get(name)) {
        switch (dtype) {
          case "F32" -> out.putFloat(f);
          case "BF16" -> out.putShort((short) (Float.floatToIntBits(f) >>> 16));
          case "F16" -> out.putShort(toHalf(f));
          default -> throw new IllegalArgumentException(dtype);
        }
      }
    }
    return out.array();
  }

  /** IEEE half of a float that is exactly representable as a normal half (or zero). */
  private static short toHalf(float f) {
    int bits = Float.floatToIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    if ((bits & 0x7fffffff) == 0) {
      return (short) sign;
    }
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = (bits >>> 13) & 0x3ff;
    return (short) (sign | (exp << 10) | mant);
  }
}
