package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * corral score / generate on the llama-tiny fixture: progress on stderr, summaries, resumable Delta
 * output.
 */
class InferenceJobsTest {
  static final Path TINY =
      Path.of(System.getProperty("corral.shared.dir", "../../shared"), "fixtures/llama-tiny");

  @TempDir Path tmp;

  @AfterEach
  void stopSpark() {
    TestSpark.stopActive();
  }

  private Path jsonl(String column, int n) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          "{\"id\": "
              + i
              + ", \""
              + column
              + "\": \""
              + (i == 5 ? "" : "Line " + i + " of the input.")
              + "\"}");
    }
    Path p = tmp.resolve(column + ".jsonl");
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void scorePrintsProgressAndSummaryAndARerunResumes() throws Exception {
    Path input = jsonl("text", 12);
    String out = tmp.resolve("scored").toString();
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "score --model %s --input %s --output %s --progress-seconds 1 --partitions-per-commit 1",
            TINY, input, out);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.outText().contains("12 rows, 1 with an error"), r.outText());
    assertTrue(r.err().contains("corral score: 12 rows, 1 errors, "), r.err());
    assertTrue(r.err().matches("(?s).*\\d+ tokens in, 0 tokens out, [0-9.]+ tokens/s.*"), r.err());

    CommandLineTest.Result again =
        CommandLineTest.cli(
            "score --model %s --input %s --output %s --partitions-per-commit 1", TINY, input, out);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("is already written by this run"), again.err());
    assertTrue(again.outText().contains("12 rows, 1 with an error"), again.outText());
  }

  @Test
  void generateCountsTokensOut() throws Exception {
    Path input = jsonl("prompt", 3);
    String out = tmp.resolve("generated").toString();
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "generate --model %s --input %s --output %s --max-new-tokens 4 --format parquet",
            TINY, input, out);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.err()
            .matches("(?s).*corral generate: 3 rows, 0 errors, \\d+ tokens in, \\d+ tokens out.*"),
        r.err());
    assertTrue(r.outText().contains("3 rows, 0 with an error"), r.outText());
  }
}
