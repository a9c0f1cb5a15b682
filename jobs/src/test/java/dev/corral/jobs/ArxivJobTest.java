package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code corral source arxiv} end to end through the real entry point: the golden tars in, JSON
 * lines and Delta out, equal to RedPajama's records in each mode; the run record's counts; a
 * damaged tar; and the errors a user can make.
 */
class ArxivJobTest {
  static final Path GOLDEN = Path.of("../curation/src/test/resources/arxiv");
  static final List<String> FIELDS =
      List.of(
          "id",
          "text",
          "source",
          "url",
          "title",
          "language",
          "timestamp",
          "arxiv_id",
          "yymm",
          "drop_reason");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  static Map<String, String> expectedTexts(String mode) throws Exception {
    Map<String, String> texts = new TreeMap<>();
    for (String line : Files.readAllLines(GOLDEN.resolve("expected-" + mode + ".jsonl"))) {
      JsonNode r = JSON.readTree(line);
      texts.put("arxiv/" + r.get("meta").get("arxiv_id").asText(), r.get("text").asText());
    }
    return texts;
  }

  @Test
  void tarsToJsonLinesInThePapersModeWithAReport() throws Exception {
    Path out = tmp.resolve("arxiv-json");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source arxiv --input %s --output %s --format json --progress-seconds 0",
            GOLDEN.resolve("src"), out);
    assertEquals(0, r.code(), r.err());
    Map<String, String> kept = new TreeMap<>();
    Map<String, Long> dropped = new TreeMap<>();
    List<Path> parts;
    try (var files = Files.list(out)) {
      parts = files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
    }
    for (Path part : parts) {
      for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
        JsonNode d = JSON.readTree(line);
        List<String> names = new ArrayList<>();
        d.fieldNames().forEachRemaining(names::add);
        assertEquals(FIELDS, names, line);
        assertTrue(d.get("title").isNull() && d.get("language").isNull(), line);
        if (!d.get("drop_reason").isNull()) {
          dropped.merge(d.get("drop_reason").asText(), 1L, Long::sum);
        } else {
          kept.put(d.get("id").asText(), d.get("text").asText());
        }
      }
    }
    assertEquals(expectedTexts("paper"), kept);
    assertEquals(Map.of("empty_text", 2L, "no_tex_files", 1L), dropped);

    JsonNode record = JSON.readTree(out.resolve("_corral/arxiv.json").toFile());
    JsonNode stats = record.get("stats");
    assertEquals(42, stats.get("papers_found").asLong());
    assertEquals(38, stats.get("papers_read").asLong());
    assertEquals(3, stats.get("skipped").get("non_utf8_tex").asLong());
    assertEquals(1, stats.get("skipped").get("unreadable_archive").asLong());
    assertEquals(35, stats.get("kept").asLong());
    assertEquals(2, stats.get("other_members").asLong());
    assertEquals(
        kept.values().stream().mapToLong(t -> t.codePointCount(0, t.length())).sum(),
        stats.get("chars_kept").asLong());
    assertTrue(
        stats.get("problems_first").toString().contains("2301/2301.00024.gz"), stats.toString());
    assertEquals("none", record.get("settings").get("compat").asText());
    assertEquals(38, record.get("rows").get("written").asLong());
    assertEquals(35, record.get("drop_reasons").get("(kept)").asLong());
    assertTrue(r.outText().contains("38 papers read"), r.outText());
    assertTrue(r.outText().contains("skipped: non_utf8_tex"), r.outText());
    assertTrue(Files.readString(out.resolve("_corral/arxiv.md")).contains("papers found"));
  }

  @Test
  void redPajamaModeToDeltaWithADamagedTarBeside() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String tar :
        List.of("arXiv_src_2302_001.tar", "arXiv_src_9901_001.tar", "arXiv_src_0702_001.tar")) {
      Files.copy(GOLDEN.resolve("src").resolve(tar), in.resolve(tar));
    }
    byte[] whole = Files.readAllBytes(GOLDEN.resolve("src/arXiv_src_2301_001.tar"));
    whole[2048 + 100] ^= 0x20; // 2301.00002's header (at 2048): its checksum no longer holds
    Files.write(in.resolve("arXiv_src_2301_001.tar"), whole);
    Path out = tmp.resolve("out/arxiv");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source arxiv --input %s --output %s --compat redpajama --progress-seconds 0", in, out);
    assertEquals(0, r.code(), r.err());
    Map<String, String> kept = new TreeMap<>();
    for (Row row :
        SparkSession.active()
            .read()
            .format("delta")
            .load(out.toString())
            .where("drop_reason IS NULL")
            .collectAsList()) {
      kept.put(row.getAs("id"), row.getAs("text"));
    }
    Map<String, String> expected = expectedTexts("redpajama");
    // The damaged header was the member after 2301/ and 2301.00001, i.e. 2301.00002's.
    assertNull(kept.get("arxiv/2301.00002"));
    expected.remove("arxiv/2301.00002");
    assertEquals(expected, kept);
    JsonNode stats = JSON.readTree(out.resolve("_corral/arxiv.json").toFile()).get("stats");
    assertEquals(1, stats.get("skipped").get("damaged_tar").asLong());
    assertEquals(2, stats.get("dropped").get("macro_escape_error").asLong());
    assertTrue(
        stats.get("problems_first").toString().contains("offset 2048: invalid tar header"),
        stats.toString());
    try (var left = Files.list(out.getParent())) {
      assertEquals(
          List.of("arxiv"), left.map(p -> p.getFileName().toString()).toList(), "nothing beside");
    }
  }

  @Test
  void userErrorsAreOneLine() throws Exception {
    Path src = GOLDEN.resolve("src");
    CommandLineTest.Result compat =
        CommandLineTest.cli(
            "source arxiv --input %s --output %s --compat llama", src, tmp.resolve("a"));
    assertEquals(2, compat.code(), compat.err());
    assertTrue(compat.err().contains("--compat"), compat.err());
    assertEquals(1, compat.err().strip().lines().count(), compat.err());
    CommandLineTest.Result split =
        CommandLineTest.cli(
            "source arxiv --input %s --output %s --split-mb 0", src, tmp.resolve("b"));
    assertEquals(2, split.code(), split.err());
    CommandLineTest.Result inside =
        CommandLineTest.cli("source arxiv --input %s --output %s", tmp, tmp.resolve("c"));
    assertEquals(2, inside.code(), inside.err());
    CommandLineTest.Result missing =
        CommandLineTest.cli(
            "source arxiv --input %s --output %s", tmp.resolve("none"), tmp.resolve("d"));
    assertEquals(1, missing.code(), missing.err());
    assertFalse(Files.exists(tmp.resolve("d")));
    Path notArxiv = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(notArxiv.resolve("readme.txt"), "no sources here");
    CommandLineTest.Result nothing =
        CommandLineTest.cli("source arxiv --input %s --output %s", notArxiv, tmp.resolve("e"));
    assertEquals(1, nothing.code(), nothing.err());
    assertTrue(nothing.err().contains("no arXiv source tars"), nothing.err());
    assertEquals(1, nothing.err().strip().lines().count(), nothing.err());
  }
}
