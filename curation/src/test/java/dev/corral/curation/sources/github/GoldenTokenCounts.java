package dev.corral.curation.sources.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.curation.models.ExecutorTokenizers;
import dev.corral.curation.models.PieceTokenizer;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The golden maker's token counts: each text of {@code texts.jsonl} ({@code md5}, {@code text}, as
 * {@code make-golden.py --texts-out} writes them) tokenized whole by the bundled LLaMA tokenizer
 * through DJL, never by segments, written as {@code md5}, {@code tokens} lines. Run with the
 * module's test classpath (see the golden README).
 */
public final class GoldenTokenCounts {
  private GoldenTokenCounts() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    // DJL's Rust tokenizer, the reference, not the pure-Java encoder TokenCounts uses.
    PieceTokenizer djl = PieceTokenizer.of(ExecutorTokenizers.get(ExecutorTokenizers.LLAMA));
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
      for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
        JsonNode r = json.readTree(line);
        long tokens = djl.counts(List.of(r.get("text").asText()))[0];
        out.write(json.writeValueAsString(Map.of("md5", r.get("md5").asText(), "tokens", tokens)));
        out.write('\n');
      }
    }
  }
}
