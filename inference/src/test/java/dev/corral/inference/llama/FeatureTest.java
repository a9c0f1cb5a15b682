package dev.corral.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.corral.core.CorralException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Features the llama-tiny fixture lacks, checked against {@link JavaReference} on checkpoints
 * written here.
 */
class FeatureTest {
  static final double TOLERANCE = 1e-4;
  static final int[] IDS = {1, 5, 9, 33, 7, 7, 62, 0, 41, 18, 3, 27, 50, 11, 44, 20, 38, 2, 6, 13};

  @TempDir Path tmp;

  @Test
  void tiedEmbeddingsWithMultiHeadAttention() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint();
    c.tied = true;
    c.kvHeads = c.heads;
    c.randomize(7);
    assertMatchesReference(c, null, c.write(tmp.resolve("tied"), "F32"));
  }

  @Test
  void groupedQueryAttentionWithLlama3RopeScalingAndExplicitHeadDim() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint();
    c.heads = 4;
    c.kvHeads = 1;
    c.headDim = 12; // heads * head_dim != hidden_size, as in some checkpoints
    c.theta = 500000;
    c.ropeScalingJson =
        "{\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, "
            + "\"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 16}";
    c.randomize(11);
    double[] llama3 = {8.0, 1.0, 4.0, 16};
    Path dir = c.write(tmp.resolve("llama3"), "F32");
    assertMatchesReference(c, llama3, dir);
    // the scaling matters at these positions: without it the reference differs
    try (LlamaModel model = LlamaModel.load(dir)) {
      float[][] got = model.logProbs(IDS);
      double[][] unscaled = JavaReference.logProbs(c, null, IDS);
      assertTrue(maxDiff(got, unscaled) > 1e-2, "llama3 scaling had no visible effect");
    }
  }

  @Test
  void f16AndBf16CheckpointsGiveTheF32Results() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint().randomize(3);
    float[][] f32;
    try (LlamaModel model = LlamaModel.load(c.write(tmp.resolve("f32"), "F32"))) {
      f32 = model.logProbs(IDS);
    }
    for (String dtype : new String[] {"F16", "BF16"}) {
      try (LlamaModel model = LlamaModel.load(c.write(tmp.resolve(dtype), dtype))) {
        assertEquals(0, maxDiff(model.logProbs(IDS), toDouble(f32)), 1e-6, dtype);
      }
    }
    assertEquals(0, maxDiff(f32, JavaReference.logProbs(c, null, IDS)), TOLERANCE);
  }

  @Test
  void float16ModelStaysCloseToF32AndRefusesAWeightFloat16CannotHold() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint().randomize(3);
    float[][] f32;
    try (LlamaModel model = LlamaModel.load(c.write(tmp.resolve("f32"), "F32"))) {
      assertEquals(DataType.FLOAT32, model.dtype(), "the CPU default");
      f32 = model.logProbs(IDS);
    }
    for (String stored : new String[] {"F32", "F16", "BF16"}) {
      Path dir = c.write(tmp.resolve("half-" + stored), stored);
      try (LlamaModel model = LlamaModel.load(dir, Device.cpu(), DataType.FLOAT16)) {
        assertEquals(DataType.FLOAT16, model.dtype());
        float[][] half = model.logProbs(IDS);
        double d = maxDiff(half, toDouble(f32));
        // activations rounded to 11 bits: close to f32, and not f32 (else the model did not compute
        // in f16)
        assertTrue(d < 0.08 && d > 1e-6, stored + ": max |f16 - f32| log-prob " + d);
        // the f16 cache: one token at a time gives what the full pass gives, to f16 rounding
        try (KvCache cache = model.newCache(1, IDS.length)) {
          lastLogits(model, new int[][] {java.util.Arrays.copyOf(IDS, 5)}, cache);
          for (int t = 5; t < IDS.length; t++) {
            float[] step = lastLogits(model, new int[][] {{IDS[t]}}, cache);
            for (int v = 0; v < step.length; v++) {
              assertEquals(half[t][v], step[v], 0.02, "token " + t);
            }
          }
        }
      }
    }
    c.tensors.get("model.layers.1.mlp.up_proj.weight")[7] = 1e6f; // exact in bf16, infinite in f16
    Path big = c.write(tmp.resolve("big"), "BF16");
    CorralException e =
        assertThrows(
            CorralException.class,
            () -> LlamaModel.load(big, Device.cpu(), DataType.FLOAT16).close());
    assertTrue(
        e.getMessage().contains("model.layers.1.mlp.up_proj.weight")
            && e.getMessage().contains("float16"),
        e.getMessage());
    try (LlamaModel model = LlamaModel.load(big)) {
      assertEquals(DataType.FLOAT32, model.dtype(), "f32 holds it");
    }
  }

  @Test
  void shardedCheckpointLoadsLikeTheSingleFile() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint().randomize(5);
    Path single = c.write(tmp.resolve("single"), "F32");
    Path sharded = tmp.resolve("sharded");
    Files.createDirectories(sharded);
    Files.copy(single.resolve("config.json"), sharded.resolve("config.json"));
    List<String> names = new ArrayList<>(c.tensors.keySet());
    List<String> first = names.subList(0, names.size() / 2);
    List<String> second = names.subList(names.size() / 2, names.size());
    Files.write(sharded.resolve("model-00001-of-00002.safetensors"), c.safetensors(first, "BF16"));
    Files.write(sharded.resolve("model-00002-of-00002.safetensors"), c.safetensors(second, "F32"));
    StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
    for (String n : names) {
      index
          .append(index.charAt(index.length() - 1) == '{' ? "" : ", ")
          .append('"')
          .append(n)
          .append("\": \"")
          .append(
              first.contains(n)
                  ? "model-00001-of-00002.safetensors"
                  : "model-00002-of-00002.safetensors")
          .append('"');
    }
    Files.writeString(sharded.resolve(SafeTensors.INDEX_FILE), index.append("}}").toString());
    try (LlamaModel a = LlamaModel.load(single);
        LlamaModel b = LlamaModel.load(sharded)) {
      assertEquals(0, maxDiff(a.logProbs(IDS), toDouble(b.logProbs(IDS))), 1e-6);
    }
  }

  @Test
  void incrementalDecodingThroughTheCacheEqualsOneFullPass() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint().randomize(13);
    try (LlamaModel model = LlamaModel.load(c.write(tmp.resolve("m"), "F32"))) {
      float[][] full = model.logProbs(IDS);
      try (KvCache cache = model.newCache(1, IDS.length)) {
        // a prefix of 5 in one block, then one token at a time
        int[] prefix = java.util.Arrays.copyOf(IDS, 5);
        float[] lastOfPrefix = lastLogits(model, new int[][] {prefix}, cache);
        assertSoftmaxEquals(full[4], lastOfPrefix);
        for (int t = 5; t < IDS.length; t++) {
          assertSoftmaxEquals(full[t], lastLogits(model, new int[][] {{IDS[t]}}, cache));
        }
        assertEquals(IDS.length, cache.length());
      }
    }
  }

  @Test
  void leftPaddedBatchEqualsEachRowAlone() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint().randomize(17);
    try (LlamaModel model = LlamaModel.load(c.write(tmp.resolve("m"), "F32"))) {
      List<int[]> rows =
          List.of(
              java.util.Arrays.copyOf(IDS, 3),
              IDS,
              java.util.Arrays.copyOf(IDS, 11),
              new int[] {1});
      List<float[][]> batched = model.logProbs(rows);
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(
            0, maxDiff(batched.get(i), toDouble(model.logProbs(rows.get(i)))), 1e-5, "row " + i);
        assertEquals(
            0, maxDiff(batched.get(i), JavaReference.logProbs(c, null, rows.get(i))), TOLERANCE);
      }
      // and greedy generation of the batch equals each prompt alone
      Generator batch =
          Generator.builder().setModel(model).optMaxNewTokens(12).optBatchSize(4).build();
      Generator alone =
          Generator.builder().setModel(model).optMaxNewTokens(12).optBatchSize(1).build();
      List<Generator.Generation> a = batch.generateIds(rows);
      List<Generator.Generation> b = alone.generateIds(rows);
      for (int i = 0; i < rows.size(); i++) {
        assertArrayEquals(b.get(i).tokens(), a.get(i).tokens(), "row " + i);
        assertEquals(b.get(i).finishReason(), a.get(i).finishReason());
      }
    }
  }

  @Test
  void generationStopsAtEosAndAtTheLengthLimit() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint().randomize(19);
    c.eos = new int[0]; // no eos id: only the length limit ends a row
    try (LlamaModel model = LlamaModel.load(c.write(tmp.resolve("m"), "F32"))) {
      int[] prompt = {1, 5, 9};
      Generator.Generation free =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(20)
              .build()
              .generateIds(List.of(prompt))
              .get(0);
      int first = free.tokens()[0];
      // stopping at the first generated token
      Generator.Generation stopped =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(20)
              .optStopTokens(first)
              .build()
              .generateIds(List.of(prompt))
              .get(0);
      assertArrayEquals(new int[] {first}, stopped.tokens());
      assertEquals(Generator.FinishReason.STOP, stopped.finishReason());
      assertEquals(
          Generator.FinishReason.LENGTH, free.finishReason(), "this seed never emits 2 or 3");
      assertEquals(20, free.tokens().length);
      // The checkpoint's own eos id ends generation: make the third generated token an eos id.
      c.eos = new int[] {free.tokens()[2]};
      try (LlamaModel eosModel = LlamaModel.load(c.write(tmp.resolve("eos"), "F32"))) {
        Generator.Generation ended =
            Generator.builder()
                .setModel(eosModel)
                .optMaxNewTokens(20)
                .build()
                .generateIds(List.of(prompt))
                .get(0);
        int firstEos = 0;
        while (free.tokens()[firstEos] != free.tokens()[2]) {
          firstEos++;
        }
        assertArrayEquals(Arrays.copyOf(free.tokens(), firstEos + 1), ended.tokens());
        assertEquals(Generator.FinishReason.STOP, ended.finishReason());
      }
    }
  }

  @Test
  void samplingIsSeededAndTopKOfOneIsGreedy() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint().randomize(23);
    try (LlamaModel model = LlamaModel.load(c.write(tmp.resolve("m"), "F32"))) {
      List<int[]> prompts = List.of(new int[] {1, 4}, new int[] {1, 8, 9, 10});
      Generator.Builder sampling =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(15)
              .optTemperature(1.5)
              .optTopP(0.95)
              .optSeed(42);
      List<Generator.Generation> a = sampling.build().generateIds(prompts);
      List<Generator.Generation> b = sampling.optBatchSize(1).build().generateIds(prompts);
      for (int i = 0; i < prompts.size(); i++) {
        assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
      }
      List<Generator.Generation> greedy =
          Generator.builder().setModel(model).optMaxNewTokens(15).build().generateIds(prompts);
      List<Generator.Generation> topOne =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(15)
              .optTemperature(0.7)
              .optTopK(1)
              .optSeed(1)
              .build()
              .generateIds(prompts);
      for (int i = 0; i < prompts.size(); i++) {
        assertArrayEquals(greedy.get(i).tokens(), topOne.get(i).tokens());
      }
    }
  }

  private static float[] lastLogits(LlamaModel model, int[][] block, KvCache cache) {
    boolean[][] real = new boolean[1][block[0].length];
    java.util.Arrays.fill(real[0], true);
    try (ai.djl.ndarray.NDArray logits = model.forward(block, real, cache, true);
        ai.djl.ndarray.NDArray lp = logits.logSoftmax(-1)) {
      return lp.toFloatArray();
    }
  }

  private static void assertSoftmaxEquals(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5);
    }
  }

  private static void assertMatchesReference(TinyCheckpoint c, double[] llama3, Path dir) {
    try (LlamaModel model = LlamaModel.load(dir)) {
      double d = maxDiff(model.logProbs(IDS), JavaReference.logProbs(c, llama3, IDS));
      assertEquals(0, d, TOLERANCE);
    }
  }

  static double maxDiff(float[][] a, double[][] b) {
    assertEquals(b.length, a.length);
    double max = 0;
    for (int t = 0; t < a.length; t++) {
      for (int v = 0; v < a[t].length; v++) {
        max = Math.max(max, Math.abs(a[t][v] - b[t][v]));
      }
    }
    return max;
  }

  static double[][] toDouble(float[][] a) {
    double[][] out = new double[a.length][];
    for (int t = 0; t < a.length; t++) {
      out[t] = new double[a[t].length];
      for (int v = 0; v < a[t].length; v++) {
        out[t][v] = a[t][v];
      }
    }
    return out;
  }
}
