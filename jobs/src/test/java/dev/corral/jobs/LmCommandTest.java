package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.TestSpark;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * corral lm train / perplexity reproduce KenLM's query totals on the golden corpus (resources lm/).
 */
class LmCommandTest {
  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  private Path resource(String name) throws Exception {
    Path p = tmp.resolve(name.replace('/', '_'));
    try (InputStream in = LmCommandTest.class.getResourceAsStream("/lm/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  @Test
  void trainThenScoreAgreesWithKenlmQuery() throws Exception {
    Path arpa = tmp.resolve("o3.arpa");
    CommandLineTest.Result train =
        CommandLineTest.cli(
            "lm train --input %s --output %s --order 3 --tokenizer whitespace",
            resource("train.txt.gz"), arpa);
    assertEquals(0, train.code(), train.err());
    assertTrue(
        train.outText().contains("1-grams 10736, 2-grams 22371, 3-grams 24952"), train.outText());

    Path heldout = resource("heldout.txt");
    CommandLineTest.Result score =
        CommandLineTest.cli(
            "local lm perplexity --model %s --input %s --tokenizer whitespace", arpa, heldout);
    assertEquals(0, score.code(), score.err());
    List<Float> totals = new ArrayList<>();
    for (String line :
        Files.readAllLines(resource("query.corral.o3.txt"), StandardCharsets.UTF_8)) {
      int at = line.indexOf("Total: ");
      if (at >= 0) {
        totals.add(Float.parseFloat(line.substring(at + 7).split("\\s")[0]));
      }
    }
    String[] lines = score.outText().split("\n");
    assertEquals(totals.size(), lines.length);
    for (int i = 0; i < lines.length; i++) {
      assertEquals(
          totals.get(i), Float.parseFloat(lines[i].split("\t")[0]), 1e-4f, "line " + (i + 1));
    }
  }

  @Test
  void perplexityScoresAKenlmBinaryAsKenlmQuery() throws Exception {
    // build_binary's probing file, gunzipped, under a name that says nothing of its format.
    Path bin = tmp.resolve("o5.model");
    try (InputStream in =
        new java.util.zip.GZIPInputStream(
            LmCommandTest.class.getResourceAsStream("/lm/kenlm.o5.probing.bin.gz"))) {
      Files.copy(in, bin);
    }
    Path sentences = resource("kenlm.sentences.txt");
    CommandLineTest.Result score =
        CommandLineTest.cli(
            "local lm perplexity --model %s --input %s --tokenizer whitespace", bin, sentences);
    assertEquals(0, score.code(), score.err());
    List<Float> totals = new ArrayList<>();
    try (var r =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(
                    LmCommandTest.class.getResourceAsStream("/lm/query.kenlm.o5.probing.txt.gz")),
                StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        int at = line.indexOf("Total: ");
        totals.add(Float.parseFloat(line.substring(at + 7).split("\\s")[0]));
      }
    }
    String[] lines = score.outText().split("\n");
    assertEquals(totals.size(), lines.length);
    for (int i = 0; i < lines.length; i++) {
      assertEquals(
          totals.get(i), Float.parseFloat(lines[i].split("\t")[0]), 1e-4f, "line " + (i + 1));
    }

    // A binary cut short is one line naming the file, exit 1.
    byte[] bytes = Files.readAllBytes(bin);
    Path cut = tmp.resolve("cut.arpa.bin");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    CommandLineTest.Result bad =
        CommandLineTest.cli(
            "local lm perplexity --model %s --input %s --tokenizer whitespace", cut, sentences);
    assertEquals(1, bad.code(), bad.err());
    assertTrue(
        bad.err()
            .strip()
            .equals(
                "corral: "
                    + cut
                    + ": truncated KenLM binary language model: the"
                    + " header's counts (1-grams 804, 2-grams 1595, 3-grams 1743, 4-grams 1747, 5-grams 1719)"
                    + " and probing multiplier 1.5 need 174030 bytes but the file has "
                    + (bytes.length / 2)),
        bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
  }
}
