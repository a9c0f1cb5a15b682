package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * corral source github end to end through the real entry point: the golden export in, JSON Lines
 * with every column and RedPajama's kept set out (compat mode), Delta out by default with the run
 * record and a malformed record counted, and the errors a user can make.
 */
class GithubJobTest {
  static final Path GOLDEN =
      Path.of("../curation/src/test/resources/dev/corral/curation/sources/github");
  static final List<String> COLUMNS =
      List.of(
          "id",
          "text",
          "source",
          "url",
          "title",
          "language",
          "timestamp",
          "repo_name",
          "path",
          "license",
          "content_hash",
          "line_count",
          "max_line_length",
          "avg_line_length",
          "alnum_prop",
          "alpha_token_ratio",
          "duplicate_of",
          "drop_reason");

  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  @Test
  void compatModeKeepsWhatRedPajamaKeepsAndWritesEveryColumn() throws Exception {
    Path out = tmp.resolve("gh-json");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source github --input %s --output %s --format json --compat redpajama --progress-seconds 0",
            GOLDEN.resolve("inputs"), out);
    assertEquals(0, r.code(), r.err());
    ObjectMapper json = new ObjectMapper();
    Set<String> kept = new TreeSet<>();
    int rows = 0;
    try (var files = Files.list(out)) {
      for (Path part : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
          JsonNode d = json.readTree(line);
          List<String> names = new ArrayList<>();
          d.fieldNames().forEachRemaining(names::add);
          assertEquals(COLUMNS, names, line);
          assertEquals("github", d.get("source").asText());
          rows++;
          if (d.get("drop_reason").isNull()) {
            kept.add(d.get("repo_name").asText() + "/" + d.get("path").asText());
          }
        }
      }
    }
    Set<String> expected = new TreeSet<>();
    for (String line :
        Files.readAllLines(GOLDEN.resolve("expected-redpajama.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode e = json.readTree(line);
      if (e.get("kept").asBoolean()) {
        expected.add(e.get("repo_name").asText() + "/" + e.get("path").asText());
      }
    }
    assertEquals(421, rows);
    assertEquals(expected, kept);
    String console = r.outText();
    assertTrue(console.contains("redpajama mode, tokenizer builtin:llama-tokenizer.json"), console);
    assertTrue(console.contains("exact_duplicate") && console.contains("github_license"), console);
  }

  @Test
  void paperModeWritesDeltaWithARunRecordAndSkipsAMalformedRecord() throws Exception {
    Path in = tmp.resolve("in/github_000000000000.gz");
    Files.createDirectories(in.getParent());
    String first =
        "{\"content\":\"/* Copyright 2020 x */\\nint value_of_alpha(int beta);\\n\","
            + "\"repo_name\":\"a/b\",\"path\":\"x.h\",\"license\":\"mit\"}\n";
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(in))) {
      o.write(
          (first
                  + "{\"content\": 12}\n"
                  + "{\"content\":\"print(alpha_beta_gamma)\\n\",\"repo_name\":\"a/c\",\"path\":\"y.py\","
                  + "\"license\":\"gpl-3.0\"}\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    Path out = tmp.resolve("gh-delta");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source github --input %s --output %s --progress-seconds 0", in.getParent(), out);
    assertEquals(0, r.code(), r.err());
    SparkSession spark = TestSpark.start("GithubJobTest", java.util.Map.of());
    List<Row> rows =
        spark.read().format("delta").load(out.toString()).orderBy("id").collectAsList();
    assertEquals(2, rows.size());
    assertEquals("\nint value_of_alpha(int beta);\n", rows.get(0).<String>getAs("text"));
    assertTrue(rows.get(0).isNullAt(rows.get(0).fieldIndex("drop_reason")));
    assertEquals("github_license", rows.get(1).<String>getAs("drop_reason"));
    JsonNode record = new ObjectMapper().readTree(out.resolve("_corral/github.json").toFile());
    JsonNode stats = record.get("stats");
    assertEquals(1, stats.get("malformed_records").asInt());
    assertEquals(3, stats.get("records_read").asInt());
    assertEquals(1, stats.get("documents_kept").asInt());
    // The report's figures, summed from one pass over the written table.
    assertEquals(2, stats.get("documents").asInt());
    assertEquals(rows.get(0).<String>getAs("text").length(), stats.get("chars_kept").asInt());
    assertEquals("{\"(kept)\":1,\"github_license\":1}", stats.get("by_drop_reason").toString());
    String keptLanguage = rows.get(0).getAs("language");
    assertEquals(1, stats.get("kept_by_language").get(keptLanguage).asInt(), stats.toString());
    assertEquals(2, stats.get("kept_by_language").size(), stats.toString());
    assertTrue(
        stats
            .get("malformed_first")
            .get(0)
            .asText()
            .endsWith(":2 (byte " + first.length() + "): no string content"),
        stats.toString());
    assertEquals("paper", stats.get("mode").asText());
    assertEquals("builtin:llama-tokenizer.json", stats.get("tokenizer").asText());
    assertEquals("none", record.get("settings").get("compat").asText());
    assertTrue(record.toString().contains("GithubQualityFilter"), record.toString());
  }

  @Test
  void badFlagsAreOneLineUsageErrors() {
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source github --input %s --output %s --compat rp",
            GOLDEN.resolve("inputs"), tmp.resolve("o"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--compat") && r.err().strip().lines().count() == 1, r.err());
    r =
        CommandLineTest.cli(
            "source github --input %s --output %s --min-alnum-prop 2",
            GOLDEN.resolve("inputs"), tmp.resolve("o"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--min-alnum-prop"), r.err());
    assertFalse(Files.exists(tmp.resolve("o")));
  }
}
