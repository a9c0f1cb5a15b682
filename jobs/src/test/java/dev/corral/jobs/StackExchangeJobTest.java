package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * corral source stackexchange end to end through the real entry point: the golden dump and a real
 * 7z in, JSON lines and Delta out, the run record, and the errors a user can make.
 */
class StackExchangeJobTest {
  static final Path GOLDEN = Path.of("../curation/src/test/resources/stackexchange");
  static final String ALL =
      "cooking.stackexchange.com,math.stackexchange.com,meta.cooking.stackexchange.com,superuser.com";
  static final List<String> FIELDS =
      List.of(
          "id",
          "text",
          "source",
          "url",
          "title",
          "language",
          "timestamp",
          "site",
          "question_id",
          "question_score",
          "answer_count",
          "licence");

  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  @Test
  void dumpToJsonLinesWithEveryFieldAndAReport() throws Exception {
    Path out = tmp.resolve("se-json");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source stackexchange --input %s --output %s --format json --sites %s --progress-seconds 0",
            GOLDEN.resolve("dump"), out, ALL);
    assertEquals(0, r.code(), r.err());
    ObjectMapper json = new ObjectMapper();
    Map<String, String> texts = new TreeMap<>();
    List<Path> parts;
    try (var files = Files.list(out)) {
      parts = files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
    }
    for (Path part : parts) {
      for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
        JsonNode d = json.readTree(line);
        List<String> names = new ArrayList<>();
        d.fieldNames().forEachRemaining(names::add);
        assertEquals(FIELDS, names, line);
        assertTrue(d.get("language").isNull());
        texts.put(d.get("id").asText(), d.get("text").asText());
      }
    }
    Map<String, String> expected = new TreeMap<>();
    for (String line : Files.readAllLines(GOLDEN.resolve("expected-numeric.jsonl"))) {
      JsonNode d = json.readTree(line);
      expected.put(d.get("id").asText(), d.get("text").asText());
    }
    assertEquals(expected, texts);

    JsonNode record = json.readTree(out.resolve("_corral/stackexchange.json").toFile());
    JsonNode stats = record.get("stats");
    assertEquals(620, stats.get("posts_read").asLong());
    assertEquals(expected.size(), stats.get("documents").asLong());
    assertEquals(12, stats.get("skipped").get("orphan_answer").asLong());
    assertEquals(8, stats.get("skipped").get("not_question_or_answer").asLong());
    assertTrue(stats.get("chars").asLong() > 10_000);
    assertEquals(
        expected.keySet().stream().filter(id -> id.contains("/superuser.com/")).count(),
        stats.get("per_site").get("superuser.com").get("documents").asLong());
    assertEquals("none", record.get("settings").get("compat").asText());
    assertEquals(expected.size(), record.get("rows").get("written").asLong());
    assertTrue(r.outText().contains("620 posts read"), r.outText());
    assertTrue(r.outText().contains("superuser.com"), r.outText());
    assertTrue(Files.readString(out.resolve("_corral/stackexchange.md")).contains("orphan_answer"));
  }

  @Test
  void anArchiveAndACutOneToDeltaLeaveNoScratchBehind() throws Exception {
    Path archive = GOLDEN.resolve("archives/cooking.stackexchange.com.7z");
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.copy(archive, in.resolve("cooking.stackexchange.com.7z"));
    byte[] whole = Files.readAllBytes(archive);
    Files.write(in.resolve("superuser.com.7z"), Arrays.copyOf(whole, whole.length / 3));
    Path out = tmp.resolve("out/se");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source stackexchange --input %s --output %s --split-mb 1 --compat redpajama", in, out);
    assertEquals(0, r.code(), r.err());
    long cooking =
        Files.readAllLines(GOLDEN.resolve("expected-redpajama.jsonl")).stream()
            .filter(l -> l.contains("/cooking.stackexchange.com/"))
            .count();
    assertEquals(
        cooking, SparkSession.active().read().format("delta").load(out.toString()).count());
    JsonNode stats =
        new ObjectMapper()
            .readTree(out.resolve("_corral/stackexchange.json").toFile())
            .get("stats");
    assertEquals(1, stats.get("skipped").get("archive_unreadable").asLong());
    assertTrue(
        stats.get("malformed_by_file").fieldNames().next().endsWith("superuser.com.7z"),
        stats.toString());
    try (var left = Files.list(out.getParent())) {
      List<String> names = left.map(p -> p.getFileName().toString()).toList();
      assertEquals(List.of("se"), names, "no staging or scratch folder stays beside the output");
    }
  }

  @Test
  void theDemoSampleReadsAsItsReadmeSays() throws Exception {
    Path sample = Path.of("src/main/resources/dev/corral/jobs/demo/sources/stackexchange");
    Path out = tmp.resolve("demo");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source stackexchange --input %s --output %s --format json --progress-seconds 0",
            sample, out);
    assertEquals(0, r.code(), r.err());
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> docs = new TreeMap<>();
    try (var files = Files.list(out)) {
      for (Path part : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
          JsonNode d = json.readTree(line);
          docs.put(d.get("id").asText(), d);
        }
      }
    }
    String site = "stackexchange/cooking.stackexchange.com/";
    assertEquals(List.of(site + "1", site + "5"), List.copyOf(docs.keySet()));
    String pastry = docs.get(site + "1").get("text").asText();
    assertTrue(pastry.startsWith("Q: Why does my shortcrust pastry shrink"), pastry);
    assertTrue(pastry.contains("slump & shrink by about 1\u00a0cm"), pastry);
    assertTrue(pastry.contains("\n*more flour"), pastry);
    // The answers by score, highest first, whatever their place in the file: 10, 9, -1.
    int chill = pastry.indexOf("\nA: Chill the dough");
    int beans = pastry.indexOf("\nA: Use baking beans");
    int hotter = pastry.indexOf("\nA: Just bake it hotter.");
    assertTrue(0 < chill && chill < beans && beans < hotter, pastry);
    JsonNode unanswered = docs.get(site + "5");
    assertEquals(0, unanswered.get("answer_count").asLong());
    assertTrue(unanswered.get("text").asText().contains("350 <= t < 375"));
    JsonNode stats = json.readTree(out.resolve("_corral/stackexchange.json").toFile()).get("stats");
    assertEquals(7, stats.get("posts_read").asLong());
    assertEquals(1, stats.get("skipped").get("orphan_answer").asLong());
    assertEquals(1, stats.get("skipped").get("not_question_or_answer").asLong());
  }

  @Test
  void userErrorsAreOneLineWithExitCode2() throws Exception {
    Path dump = GOLDEN.resolve("dump");
    CommandLineTest.Result zero =
        CommandLineTest.cli(
            "source stackexchange --input %s --output %s --sites 0", dump, tmp.resolve("a"));
    assertEquals(2, zero.code(), zero.err());
    assertTrue(zero.err().contains("--sites"), zero.err());
    CommandLineTest.Result compat =
        CommandLineTest.cli(
            "source stackexchange --input %s --output %s --compat llama", dump, tmp.resolve("b"));
    assertEquals(2, compat.code(), compat.err());
    CommandLineTest.Result absent =
        CommandLineTest.cli(
            "source stackexchange --input %s --output %s --sites nosuch.example.com",
            dump, tmp.resolve("c"));
    assertEquals(2, absent.code(), absent.err());
    assertTrue(absent.err().contains("no input holds nosuch.example.com"), absent.err());
    assertEquals(1, absent.err().strip().lines().count(), absent.err());
    CommandLineTest.Result inside =
        CommandLineTest.cli("source stackexchange --input %s --output %s", tmp, tmp.resolve("d"));
    assertEquals(2, inside.code(), inside.err());
    CommandLineTest.Result missing =
        CommandLineTest.cli(
            "source stackexchange --input %s --output %s", tmp.resolve("none"), tmp.resolve("e"));
    assertEquals(1, missing.code(), missing.err());
    assertFalse(Files.exists(tmp.resolve("e")));
  }
}
