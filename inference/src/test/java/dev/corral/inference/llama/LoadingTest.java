package dev.corral.inference.llama;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defensive loading: a damaged or mismatched checkpoint is a one-line error naming what is wrong.
 */
class LoadingTest {
  @TempDir Path tmp;

  private Path good() throws IOException {
    return new TinyCheckpoint().randomize(1).write(tmp.resolve("m"), "F32");
  }

  private static String fails(Path dir) {
    CorralException e = assertThrows(CorralException.class, () -> LlamaModel.load(dir).close());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
    }
  }

  @Test
  void truncatedFileNamesTheFirstTensorPastTheEnd() throws IOException {
    Path dir = good();
    Path f = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(bytes, bytes.length - 100));
    assertMentions(fails(dir), "model.safetensors", "lm_head.weight", "past the end", "truncated");
  }

  @Test
  void shapeThatDisagreesWithConfigJson() throws IOException {
    Path dir = good();
    Path config = dir.resolve("config.json");
    Files.writeString(
        config,
        Files.readString(config).replace("\"intermediate_size\": 40", "\"intermediate_size\": 48"));
    assertMentions(
        fails(dir),
        "model.layers.0.mlp.gate_proj.weight",
        "[40, 32]",
        "config.json implies [48, 32]");
  }

  @Test
  void impossibleHeaderLengths() throws IOException {
    Path dir = good();
    Path f = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(f);
    for (long len : new long[] {bytes.length, -1L, 1L, 200L << 20}) {
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
      Files.write(f, bytes);
      assertMentions(
          fails(dir),
          "model.safetensors",
          "header length " + Long.toUnsignedString(len),
          "impossible");
    }
    Files.write(f, new byte[5]);
    assertMentions(fails(dir), "too short");
  }

  @Test
  void headerThatIsNotJson() throws IOException {
    Path dir = good();
    Path f = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(f);
    bytes[8] = '[';
    Files.write(f, bytes);
    assertMentions(fails(dir), "model.safetensors", "header");
  }

  @Test
  void offsetsThatDisagreeWithTheShape() throws IOException {
    assertMentions(
        failsWithHeader(
            "\"dtype\":\"F32\",\"shape\":[64,32],\"data_offsets\":[0,8188]",
            "\"dtype\":\"F32\",\"shape\":[64,32],\"data_offsets\":[0,8192]"),
        "model.embed_tokens.weight",
        "8188 bytes",
        "needs 8192");
  }

  @Test
  void unsupportedDtypeIsNamed() throws IOException {
    assertMentions(
        failsWithHeader(
            "\"dtype\":\"I32\",\"shape\":[64,32]", "\"dtype\":\"F32\",\"shape\":[64,32]"),
        "model.embed_tokens.weight",
        "dtype I32 is not supported");
  }

  @Test
  void overlappingTensors() throws IOException {
    // model.layers.0.input_layernorm.weight follows the embedding at [8192, 8320]: move it onto the
    // embedding
    assertMentions(
        failsWithHeader("\"data_offsets\":[0,128]", "\"data_offsets\":[8192,8320]"),
        "overlaps",
        "model.embed_tokens.weight");
  }

  @Test
  void missingAndUnexpectedTensors() throws IOException {
    TinyCheckpoint c = new TinyCheckpoint().randomize(1);
    c.tensors.remove("model.norm.weight");
    c.shapes.remove("model.norm.weight");
    assertMentions(fails(c.write(tmp.resolve("missing"), "F32")), "model.norm.weight", "missing");
    TinyCheckpoint d = new TinyCheckpoint().randomize(1);
    d.tensors.put("model.layers.0.self_attn.q_proj.bias", new float[32]);
    d.shapes.put("model.layers.0.self_attn.q_proj.bias", new long[] {32});
    assertMentions(fails(d.write(tmp.resolve("extra"), "F32")), "q_proj.bias", "not part of");
  }

  @Test
  void badConfigValues() throws IOException {
    Path dir = good();
    Path config = dir.resolve("config.json");
    String original = Files.readString(config);
    Files.writeString(
        config, original.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"));
    assertMentions(fails(dir), "config.json", "num_key_value_heads", "must divide");
    Files.writeString(config, original.replace("\"hidden_size\": 32,", ""));
    assertMentions(fails(dir), "config.json", "'hidden_size' is missing");
    Files.writeString(
        config,
        original.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"yarn\"}"));
    assertMentions(fails(dir), "unsupported", "yarn");
    Files.writeString(
        config, original.replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\""));
    assertMentions(fails(dir), "gelu");
    Files.writeString(config, "{not json");
    assertMentions(fails(dir), "config.json", "malformed JSON");
  }

  @Test
  void shardIndexThatPointsOutsideTheFolderOrAtTheWrongShard() throws IOException {
    Path dir = good();
    Files.move(dir.resolve("model.safetensors"), dir.resolve("model-00001-of-00001.safetensors"));
    Path index = dir.resolve(SafeTensors.INDEX_FILE);
    Files.writeString(
        index, "{\"weight_map\": {\"model.embed_tokens.weight\": \"../elsewhere.safetensors\"}}");
    assertMentions(fails(dir), "model.embed_tokens.weight", "not a file in the checkpoint folder");
    Files.writeString(
        index,
        "{\"weight_map\": {\"model.embed_tokens.weight\": \"model-00001-of-00001.safetensors\"}}");
    assertMentions(fails(dir), "is in the shard but not in");
  }

  @Test
  void noWeightsAtAll() throws IOException {
    Path dir = good();
    Files.delete(dir.resolve("model.safetensors"));
    assertMentions(fails(dir), "neither model.safetensors nor model.safetensors.index.json");
  }

  /**
   * Writes a good checkpoint, then replaces {@code original} by {@code broken} in its header (same
   * length).
   */
  private String failsWithHeader(String broken, String original) throws IOException {
    Path dir = good();
    Path f = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(f);
    int headerLen = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    String header = new String(bytes, 8, headerLen, StandardCharsets.UTF_8);
    assertTrue(header.contains(original), header);
    String padded = broken + " ".repeat(original.length() - broken.length());
    byte[] h =
        header
            .replaceFirst(
                java.util.regex.Pattern.quote(original),
                java.util.regex.Matcher.quoteReplacement(padded))
            .getBytes(StandardCharsets.UTF_8);
    System.arraycopy(h, 0, bytes, 8, headerLen);
    Files.write(f, bytes);
    return fails(dir);
  }
}
