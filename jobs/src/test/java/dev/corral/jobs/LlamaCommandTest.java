package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * corral llama score / generate on the llama-tiny fixture reproduce llama.cpp's reference outputs.
 */
class LlamaCommandTest {
  static final Path TINY =
      Path.of(System.getProperty("corral.shared.dir", "../../shared"), "fixtures/llama-tiny");

  @TempDir Path tmp;

  @Test
  void scoresAndGreedyContinuationsMatchLlamaCpp() throws Exception {
    JsonNode reference = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile());
    // The commands read one text per line: the reference prompts that hold no line break.
    List<String> prompts = new ArrayList<>();
    List<JsonNode> refs = new ArrayList<>();
    reference.forEach(
        r -> {
          if (!r.get("text").asText().contains("\n")) {
            prompts.add(r.get("text").asText());
            refs.add(r);
          }
        });
    Path input = tmp.resolve("prompts.txt");
    Files.write(input, prompts, StandardCharsets.UTF_8);

    CommandLineTest.Result score =
        CommandLineTest.cli("local llama score --model %s --input %s", TINY, input);
    assertEquals(0, score.code(), score.err());
    String[] lines = score.outText().split("\n");
    assertEquals(prompts.size(), lines.length);
    for (int i = 0; i < lines.length; i++) {
      String[] f = lines[i].split("\t");
      JsonNode r = refs.get(i);
      assertEquals(
          r.get("prompt_logprob").asDouble(), Double.parseDouble(f[1]), 1e-2, "prompt " + (i + 1));
      assertEquals(
          r.get("prompt_ids").size() - 1, Integer.parseInt(f[2]), "tokens of prompt " + (i + 1));
    }

    CommandLineTest.Result gen =
        CommandLineTest.cli(
            "local llama generate --model %s --input %s --max-new-tokens 16 --format jsonl",
            TINY, input);
    assertEquals(0, gen.code(), gen.err());
    String[] rows = gen.outText().split("\n");
    assertEquals(prompts.size(), rows.length);
    for (int i = 0; i < rows.length; i++) {
      JsonNode row = new ObjectMapper().readTree(rows[i]);
      assertEquals(
          refs.get(i).get("greedy_continuation").toString(),
          row.get("token_ids").toString(),
          "prompt " + (i + 1));
    }
  }

  @Test
  void repetitionPenaltyAndStopStringsReachTheGenerator() throws Exception {
    CommandLineTest.Result plain =
        CommandLineTest.run(
            new byte[0],
            "local",
            "llama",
            "generate",
            "--model",
            TINY.toString(),
            "--prompt",
            "Once upon a time",
            "--max-new-tokens",
            "16",
            "--format",
            "jsonl");
    assertEquals(0, plain.code(), plain.err());
    JsonNode full = new ObjectMapper().readTree(plain.outText().trim());
    String text = full.get("text").asText();
    String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
    CommandLineTest.Result cut =
        CommandLineTest.run(
            new byte[0],
            "local",
            "llama",
            "generate",
            "--model",
            TINY.toString(),
            "--prompt",
            "Once upon a time",
            "--max-new-tokens",
            "16",
            "--format",
            "jsonl",
            "--stop",
            "zzzzzz",
            "--stop",
            stop,
            "--repetition-penalty",
            "1.0");
    assertEquals(0, cut.code(), cut.err());
    JsonNode row = new ObjectMapper().readTree(cut.outText().trim());
    assertEquals("stop", row.get("finish_reason").asText());
    assertEquals(text.substring(0, text.indexOf(stop)), row.get("text").asText());

    CommandLineTest.Result boosted =
        CommandLineTest.run(
            new byte[0],
            "local",
            "llama",
            "generate",
            "--model",
            TINY.toString(),
            "--prompt",
            "Once upon a time",
            "--max-new-tokens",
            "16",
            "--format",
            "jsonl",
            "--repetition-penalty",
            "0.05");
    assertEquals(0, boosted.code(), boosted.err());
    org.junit.jupiter.api.Assertions.assertNotEquals(
        full.get("token_ids").toString(),
        new ObjectMapper().readTree(boosted.outText().trim()).get("token_ids").toString());
  }

  @Test
  void llamaCppPenaltyFlagsReproduceLlamaCpp() throws Exception {
    JsonNode reference = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile());
    JsonNode golden =
        new ObjectMapper()
            .readTree(
                Path.of("../inference/src/test/resources/llamacpp-penalties/penalty-reference.json")
                    .toFile());
    List<String> prompts = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (JsonNode r : reference) {
      if (r.get("text").asText().contains("\n")) {
        continue; // one prompt per line
      }
      for (JsonNode c : golden.get("cases")) {
        if (c.get("prompt_ids").equals(r.get("prompt_ids"))
            && c.get("penalty_last_n").asInt() == -1
            && c.get("penalty_repeat").asDouble() == 0.7) {
          prompts.add(r.get("text").asText());
          expected.add(c.get("continuation").toString());
        }
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(prompts.size() >= 4, "prompts: " + prompts);
    Path input = tmp.resolve("prompts.txt");
    Files.write(input, prompts, StandardCharsets.UTF_8);
    CommandLineTest.Result gen =
        CommandLineTest.cli(
            "local llama generate --model %s --input %s --max-new-tokens 16 --format jsonl"
                + " --penalty-style llama.cpp --repetition-penalty 0.7 --repeat-last-n -1"
                + " --frequency-penalty -0.5 --presence-penalty -0.5",
            TINY, input);
    assertEquals(0, gen.code(), gen.err());
    String[] rows = gen.outText().split("\n");
    assertEquals(prompts.size(), rows.length);
    for (int i = 0; i < rows.length; i++) {
      assertEquals(
          expected.get(i),
          new ObjectMapper().readTree(rows[i]).get("token_ids").toString(),
          prompts.get(i));
    }
    // llama.cpp's knobs without its style: one line naming the flag, nothing generated
    CommandLineTest.Result refused =
        CommandLineTest.cli(
            "local llama generate --model %s --prompt Hello --frequency-penalty 0.5", TINY);
    assertEquals(2, refused.code(), refused.err());
    org.junit.jupiter.api.Assertions.assertTrue(
        refused.err().contains("penalty style"), refused.err());
    assertEquals("", refused.outText());
  }

  @Test
  void slidingWindowScoreWithAWindowAsLongAsTheTextIsThePlainScore() throws Exception {
    Path input = tmp.resolve("texts.txt");
    Files.writeString(
        input, "The quick brown fox jumps over the lazy dog\n", StandardCharsets.UTF_8);
    CommandLineTest.Result plain =
        CommandLineTest.cli("local llama score --model %s --input %s", TINY, input);
    CommandLineTest.Result sliding =
        CommandLineTest.cli("local llama score --model %s --input %s --stride 256", TINY, input);
    CommandLineTest.Result small =
        CommandLineTest.cli(
            "local llama score --model %s --input %s --max-length 4 --stride 2", TINY, input);
    assertEquals(0, plain.code(), plain.err());
    assertEquals(0, sliding.code(), sliding.err());
    assertEquals(0, small.code(), small.err());
    assertEquals(plain.outText(), sliding.outText());
    String[] p = plain.outText().trim().split("\t");
    String[] s = small.outText().trim().split("\t");
    assertEquals(p[2], s[2]); // every token scored once
    org.junit.jupiter.api.Assertions.assertNotEquals(p[1], s[1]); // with less context
  }

  @Test
  void initRandomWritesALoadableCheckpointAndGguf() throws Exception {
    Path config = tmp.resolve("config.json");
    Files.writeString(
        config,
        "{\"model_type\": \"llama\", \"vocab_size\": 32000, \"hidden_size\": 32, "
            + "\"intermediate_size\": 48, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, "
            + "\"num_key_value_heads\": 2, \"max_position_embeddings\": 64, \"rms_norm_eps\": 1e-5, "
            + "\"bos_token_id\": 1, \"eos_token_id\": 2}",
        StandardCharsets.UTF_8);
    Path out = tmp.resolve("random");
    CommandLineTest.Result init =
        CommandLineTest.cli(
            "local llama init-random --config %s --output %s --seed 3 --gguf", config, out);
    assertEquals(0, init.code(), init.err());
    for (String f :
        new String[] {"config.json", "model.safetensors", "tokenizer.json", "model.gguf"}) {
      org.junit.jupiter.api.Assertions.assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(out.resolve("model.gguf")), 4);
    assertEquals("GGUF", new String(head, StandardCharsets.US_ASCII));
    CommandLineTest.Result gen =
        CommandLineTest.cli(
            "local llama generate --model %s --prompt Hello --max-new-tokens 4 --format jsonl",
            out);
    assertEquals(0, gen.code(), gen.err());
    assertEquals(4, new ObjectMapper().readTree(gen.outText().trim()).get("token_ids").size());
  }

  private static final String SMALL_CONFIG =
      "{\"model_type\": \"llama\", \"vocab_size\": 32000, \"hidden_size\": 32, "
          + "\"intermediate_size\": 48, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, "
          + "\"num_key_value_heads\": 2, \"max_position_embeddings\": 64, \"rms_norm_eps\": 1e-5, "
          + "\"bos_token_id\": 1, \"eos_token_id\": 2}";

  private static List<String> names(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString())
          .sorted()
          .collect(java.util.stream.Collectors.toList());
    }
  }

  @Test
  void initRandomRefusesANonEmptyOutputUnlessOverwrite() throws Exception {
    Path config = tmp.resolve("config.json");
    Files.writeString(config, SMALL_CONFIG, StandardCharsets.UTF_8);
    Path out = tmp.resolve("existing");
    Files.createDirectories(out);
    Files.writeString(out.resolve("model.safetensors"), "real weights");
    CommandLineTest.Result refused =
        CommandLineTest.cli("local llama init-random --config %s --output %s", config, out);
    assertEquals(2, refused.code());
    assertEquals(
        "corral: " + out + ": the folder exists and is not empty; pass --overwrite to replace it\n",
        refused.err().replace("\r\n", "\n"));
    assertEquals("real weights", Files.readString(out.resolve("model.safetensors")));

    CommandLineTest.Result replaced =
        CommandLineTest.cli(
            "local llama init-random --config %s --output %s --overwrite", config, out);
    assertEquals(0, replaced.code(), replaced.err());
    assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"), names(out));
    assertEquals(
        List.of("config.json", "existing"), names(tmp), "no hidden folder left beside the output");
  }

  @Test
  void initRandomRefusesACheckpointLargerThanTheFreeDisk() throws Exception {
    Path config = tmp.resolve("huge.json");
    Files.writeString(
        config,
        SMALL_CONFIG
            .replace("\"hidden_size\": 32", "\"hidden_size\": 1048576")
            .replace("\"intermediate_size\": 48", "\"intermediate_size\": 4194304")
            .replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 1024")
            .replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 1024")
            .replace("\"vocab_size\": 32000", "\"vocab_size\": 1000000"),
        StandardCharsets.UTF_8);
    Path out = tmp.resolve("huge");
    CommandLineTest.Result r =
        CommandLineTest.cli("local llama init-random --config %s --output %s", config, out);
    assertEquals(1, r.code());
    String err = r.err().strip();
    org.junit.jupiter.api.Assertions.assertTrue(
        err.matches(
            "corral: "
                + java.util.regex.Pattern.quote(out.toString())
                + ": needs [0-9,]+ bytes \\([0-9.]+ [TP]iB\\) but its file system has [0-9,]+ bytes.* free"),
        err);
    assertEquals(List.of("huge.json"), names(tmp), "nothing written");
  }
}
