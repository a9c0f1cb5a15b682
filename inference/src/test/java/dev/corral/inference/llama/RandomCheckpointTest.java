package dev.corral.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * init-random checkpoints load in the engine, and their GGUF is laid out as the fixture's llama.cpp
 * one.
 */
class RandomCheckpointTest {
  @TempDir Path tmp;

  /**
   * A parsed GGUF file: metadata (type and value), tensors (dims, type, offset), and where the data
   * starts.
   */
  record Gguf(
      int version,
      Map<String, Object[]> kv,
      Map<String, long[]> tensors,
      long dataStart,
      ByteBuffer buf) {
    float[] tensor(String name, int count) {
      long[] info = tensors.get(name);
      ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      b.position((int) (dataStart + info[info.length - 1]));
      float[] out = new float[count];
      b.asFloatBuffer().get(out);
      return out;
    }
  }

  static Gguf parse(Path file) throws IOException {
    ByteBuffer b;
    try (FileChannel ch = FileChannel.open(file)) {
      b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
    }
    byte[] magic = new byte[4];
    b.get(magic);
    assertEquals("GGUF", new String(magic, StandardCharsets.US_ASCII));
    int version = b.getInt();
    long nTensors = b.getLong();
    long nKv = b.getLong();
    Map<String, Object[]> kv = new LinkedHashMap<>();
    for (long i = 0; i < nKv; i++) {
      String key = str(b);
      int type = b.getInt();
      kv.put(key, new Object[] {type, value(b, type)});
    }
    Map<String, long[]> tensors = new LinkedHashMap<>();
    for (long i = 0; i < nTensors; i++) {
      String name = str(b);
      int nd = b.getInt();
      long[] info = new long[nd + 2];
      for (int d = 0; d < nd; d++) {
        info[d] = b.getLong();
      }
      info[nd] = b.getInt(); // ggml type
      info[nd + 1] = b.getLong(); // offset
      tensors.put(name, info);
    }
    long align =
        kv.containsKey("general.alignment")
            ? ((Number) kv.get("general.alignment")[1]).longValue()
            : 32;
    long dataStart = (b.position() + align - 1) / align * align;
    return new Gguf(version, kv, tensors, dataStart, b);
  }

  static String str(ByteBuffer b) {
    byte[] bytes = new byte[(int) b.getLong()];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static Object value(ByteBuffer b, int type) {
    switch (type) {
      case 4:
        return Integer.toUnsignedLong(b.getInt());
      case 5:
        return b.getInt();
      case 6:
        return b.getFloat();
      case 7:
        return b.get() != 0;
      case 8:
        return str(b);
      case 9:
        {
          int et = b.getInt();
          long n = b.getLong();
          List<Object> items = new ArrayList<>();
          for (long i = 0; i < n; i++) {
            items.add(value(b, et));
          }
          return items;
        }
      default:
        throw new AssertionError("unexpected GGUF type " + type);
    }
  }

  static float[] safetensor(Path file, String name) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) b.getLong();
    JsonObject header =
        JsonParser.parseString(new String(all, 8, n, StandardCharsets.UTF_8)).getAsJsonObject();
    JsonObject t = header.getAsJsonObject(name);
    assertEquals("F32", t.get("dtype").getAsString());
    long from = t.getAsJsonArray("data_offsets").get(0).getAsLong();
    long to = t.getAsJsonArray("data_offsets").get(1).getAsLong();
    float[] out = new float[(int) ((to - from) / 4)];
    b.position((int) (8 + n + from));
    b.asFloatBuffer().get(out);
    return out;
  }

  @Test
  void randomCheckpointLoadsAndItsGgufMatchesTheFixturesLayout() throws IOException {
    Path fixture = Fixtures.tinyDir();
    byte[] tokenizer = Files.readAllBytes(fixture.resolve("tokenizer.json"));
    Path out = tmp.resolve("random");
    long params = RandomCheckpoint.write(fixture.resolve("config.json"), out, 7, true, tokenizer);
    LlamaConfig c = LlamaConfig.read(fixture);
    long perLayer =
        2L * c.dim()
            + 2L * c.dim() * c.nHeads() * c.headSize()
            + 2L * c.dim() * c.nKvHeads() * c.headSize()
            + 3L * c.dim() * c.hiddenDim();
    assertEquals(2L * c.vocabSize() * c.dim() + c.nLayers() * perLayer + c.dim(), params);

    try (LlamaModel model = LlamaModel.load(out)) {
      assertEquals(c, model.config());
      int[] ids = model.tokenizer().encode("Once upon a time");
      float[][] lp = model.logProbs(ids);
      for (float[] row : lp) {
        double sum = 0;
        for (float x : row) {
          assertTrue(Float.isFinite(x));
          sum += Math.exp(x);
        }
        assertEquals(1, sum, 1e-3);
      }
      assertTrue(
          Generator.builder()
                  .setModel(model)
                  .optMaxNewTokens(8)
                  .build()
                  .generateIds(List.of(ids))
                  .get(0)
                  .tokens()
                  .length
              > 0);
    }

    Gguf mine = parse(out.resolve("model.gguf"));
    Gguf theirs = parse(fixture.resolve("model.gguf"));
    assertEquals(3, mine.version());
    assertEquals(theirs.kv().keySet(), mine.kv().keySet());
    for (String key : theirs.kv().keySet()) {
      assertEquals(theirs.kv().get(key)[0], mine.kv().get(key)[0], "type of " + key);
      if (!key.equals("general.name")) {
        assertTrue(
            theirs.kv().get(key)[1].equals(mine.kv().get(key)[1]), key); // no 32000-item messages
      }
    }
    assertEquals(
        new ArrayList<>(theirs.tensors().keySet()), new ArrayList<>(mine.tensors().keySet()));
    for (String name : theirs.tensors().keySet()) {
      assertArrayEquals(
          theirs.tensors().get(name), mine.tensors().get(name), name); // dims, type, offset
    }
    assertEquals(theirs.dataStart(), mine.dataStart());

    // data: q and k rows permuted to llama.cpp's order (as make_model.py), the rest as in the
    // safetensors
    Path st = out.resolve("model.safetensors");
    int hd = c.headSize();
    float[] q = safetensor(st, "model.layers.1.self_attn.q_proj.weight");
    float[] gq = mine.tensor("blk.1.attn_q.weight", q.length);
    for (int h = 0; h < c.nHeads(); h++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < hd / 2; j++) {
          int from = (h * hd + i * hd / 2 + j) * c.dim();
          int to = (h * hd + 2 * j + i) * c.dim();
          assertArrayEquals(
              Arrays.copyOfRange(q, from, from + c.dim()),
              Arrays.copyOfRange(gq, to, to + c.dim()));
        }
      }
    }
    float[] k = safetensor(st, "model.layers.0.self_attn.k_proj.weight");
    assertArrayEquals(
        RandomCheckpoint.permute(k, c.nKvHeads() * hd, c.dim(), c.nKvHeads()),
        mine.tensor("blk.0.attn_k.weight", k.length));
    assertTrue(!Arrays.equals(k, mine.tensor("blk.0.attn_k.weight", k.length)));
    float[] v = safetensor(st, "model.layers.0.self_attn.v_proj.weight");
    assertArrayEquals(v, mine.tensor("blk.0.attn_v.weight", v.length));
    float[] lm = safetensor(st, "lm_head.weight");
    assertArrayEquals(lm, mine.tensor("output.weight", lm.length));
    double sq = 0;
    for (float x : lm) {
      sq += x * x;
    }
    assertEquals(
        0.25, Math.sqrt(sq / lm.length), 0.01); // initializer_range of the fixture's config

    // the permutation is make_model.py's on the fixture: its GGUF q rows are its safetensors' rows
    // permuted
    float[] fq =
        safetensor(fixture.resolve("model.safetensors"), "model.layers.0.self_attn.q_proj.weight");
    assertArrayEquals(
        RandomCheckpoint.permute(fq, c.nHeads() * hd, c.dim(), c.nHeads()),
        theirs.tensor("blk.0.attn_q.weight", fq.length));

    // a seed gives the same checkpoint
    Path again = tmp.resolve("again");
    RandomCheckpoint.write(fixture.resolve("config.json"), again, 7, false, tokenizer);
    assertArrayEquals(
        Files.readAllBytes(st), Files.readAllBytes(again.resolve("model.safetensors")));
    assertTrue(!Files.exists(again.resolve("model.gguf")));
  }

  /**
   * The names in {@code dir}, sorted: a failed or finished run leaves no hidden folder beside its
   * output.
   */
  static List<String> names(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString())
          .sorted()
          .collect(java.util.stream.Collectors.toList());
    }
  }

  static long folderBytes(Path dir) throws IOException {
    long n = 0;
    for (String name : names(dir)) {
      n += Files.size(dir.resolve(name));
    }
    return n;
  }

  @Test
  void theBytesPlannedAreTheBytesWritten() throws IOException {
    Path fixture = Fixtures.tinyDir();
    byte[] tokenizer = Files.readAllBytes(fixture.resolve("tokenizer.json"));
    Path config = fixture.resolve("config.json");
    RandomCheckpoint.write(config, tmp.resolve("both"), 1, true, tokenizer);
    assertEquals(
        RandomCheckpoint.bytesToWrite(config, true, tokenizer), folderBytes(tmp.resolve("both")));
    RandomCheckpoint.write(config, tmp.resolve("plain"), 1, false, null);
    assertEquals(
        RandomCheckpoint.bytesToWrite(config, false, null), folderBytes(tmp.resolve("plain")));
    assertEquals(List.of("config.json", "model.safetensors"), names(tmp.resolve("plain")));
    assertEquals(List.of("both", "plain"), names(tmp));
  }

  @Test
  void aCheckpointLargerThanTheFreeDiskIsRefusedBeforeAnythingIsWritten() throws IOException {
    // 4 TB of embeddings alone: far beyond the test machine's disk, and beyond its memory if a
    // weight were drawn.
    Path config = tmp.resolve("huge.json");
    Files.writeString(
        config,
        "{\"vocab_size\": 1000000, \"hidden_size\": 1048576, \"intermediate_size\": 4194304, "
            + "\"num_hidden_layers\": 4, \"num_attention_heads\": 1024, \"max_position_embeddings\": 4096, "
            + "\"rms_norm_eps\": 1e-5}",
        StandardCharsets.UTF_8);
    long needed = RandomCheckpoint.bytesToWrite(config, false, null);
    long embeddings = 1_000_000L * 1_048_576 * 4;
    assertTrue(needed > 2 * embeddings, "embeddings and lm_head, layers, headers");
    Path out = tmp.resolve("huge");
    dev.corral.core.CorralException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.corral.core.CorralException.class,
            () -> RandomCheckpoint.write(config, out, 0, false, null));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(out.toString())
                    + ": needs ([0-9,]+) bytes \\([0-9.]+ [KMGTPE]iB\\) but its file system has ([0-9,]+) bytes.* free")
            .matcher(e.getMessage());
    assertTrue(m.matches(), e.getMessage());
    assertEquals(needed, Long.parseLong(m.group(1).replace(",", "")));
    assertTrue(Long.parseLong(m.group(2).replace(",", "")) < needed);
    assertTrue(!e.getMessage().contains("\n"));
    assertEquals(List.of("huge.json"), names(tmp), "no output folder, no temporary folder");
  }

  @Test
  void aNonEmptyFolderIsReplacedOnlyWithOverwrite() throws IOException {
    Path fixture = Fixtures.tinyDir();
    Path config = fixture.resolve("config.json");
    Path out = tmp.resolve("ckpt");
    RandomCheckpoint.write(config, out, 1, false, null);
    byte[] first = Files.readAllBytes(out.resolve("model.safetensors"));

    dev.corral.core.CorralException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.corral.core.CorralException.class,
            () -> RandomCheckpoint.write(config, out, 2, false, null));
    assertEquals(
        out + ": the folder exists and is not empty; pass --overwrite to replace it",
        e.getMessage());
    assertArrayEquals(
        first, Files.readAllBytes(out.resolve("model.safetensors")), "the real weights stay");

    Files.writeString(out.resolve("stale.txt"), "from before");
    RandomCheckpoint.write(config, out, 2, false, null, true);
    RandomCheckpoint.write(config, tmp.resolve("fresh"), 2, false, null);
    assertArrayEquals(
        Files.readAllBytes(tmp.resolve("fresh/model.safetensors")),
        Files.readAllBytes(out.resolve("model.safetensors")));
    assertEquals(
        List.of("config.json", "model.safetensors"),
        names(out),
        "the old folder is gone, not merged");
    assertEquals(List.of("ckpt", "fresh"), names(tmp));

    Files.createDirectory(tmp.resolve("empty"));
    RandomCheckpoint.write(config, tmp.resolve("empty"), 3, false, null);
    assertEquals(List.of("config.json", "model.safetensors"), names(tmp.resolve("empty")));
    Files.writeString(tmp.resolve("file"), "x");
    assertEquals(
        tmp.resolve("file") + ": exists and is not a folder",
        org.junit.jupiter.api.Assertions.assertThrows(
                dev.corral.core.CorralException.class,
                () -> RandomCheckpoint.write(config, tmp.resolve("file"), 3, false, null, true))
            .getMessage());
  }

  @Test
  void aFailedRunLeavesNothingBehindAndTheOldCheckpointWhole() throws IOException {
    Path fixture = Fixtures.tinyDir();
    byte[] tokenizer = Files.readAllBytes(fixture.resolve("tokenizer.json"));
    Path config = fixture.resolve("config.json");
    java.util.function.Consumer<Path> failAfterWeights =
        file -> {
          if (file.getFileName().toString().equals("model.safetensors")) {
            throw new java.io.UncheckedIOException(new IOException("No space left on device"));
          }
        };
    Path out = tmp.resolve("new");
    org.junit.jupiter.api.Assertions.assertThrows(
        java.io.UncheckedIOException.class,
        () -> RandomCheckpoint.write(config, out, 1, true, tokenizer, false, failAfterWeights));
    assertEquals(List.of(), names(tmp), "no output, no header-only file, no temporary folder");

    Path old = tmp.resolve("old");
    RandomCheckpoint.write(config, old, 1, true, tokenizer);
    Map<String, byte[]> before = new LinkedHashMap<>();
    for (String name : names(old)) {
      before.put(name, Files.readAllBytes(old.resolve(name)));
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        java.io.UncheckedIOException.class,
        () -> RandomCheckpoint.write(config, old, 2, true, tokenizer, true, failAfterWeights));
    assertEquals(new ArrayList<>(before.keySet()), names(old));
    for (String name : names(old)) {
      assertArrayEquals(before.get(name), Files.readAllBytes(old.resolve(name)), name);
    }
    assertEquals(List.of("old"), names(tmp));
  }
}
