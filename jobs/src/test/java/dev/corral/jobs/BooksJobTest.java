package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code corral source books} end to end on the golden set, against the reference's decisions on
 * every book: RedPajama v1's dedup.py (compat), and the paper's containment and RedPajama's SimHash
 * with its bugs fixed (see the golden set's README.md); and through the command line, its usage
 * errors and its handling of malformed input.
 */
class BooksJobTest {
  static final Path GOLDEN =
      Path.of("../curation/src/test/resources/dev/corral/curation/sources/books/golden");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  private static String inputs() {
    return GOLDEN.resolve("gutenberg")
        + ","
        + GOLDEN.resolve("pg19")
        + ","
        + GOLDEN.resolve("books3");
  }

  private static List<JsonNode> expected(String name) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (String line :
        Files.readAllLines(GOLDEN.resolve("expected").resolve(name), StandardCharsets.UTF_8)) {
      rows.add(JSON.readTree(line));
    }
    return rows;
  }

  private static Map<String, Row> written(Path out) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : SparkSession.active().read().json(out.toString()).collectAsList()) {
      rows.put(r.getAs("id"), r);
    }
    return rows;
  }

  /** Compares kept-or-not (and the book given way to, where the reference names one) per book. */
  private static void assertDecisions(List<JsonNode> expected, Map<String, Row> rows) {
    Map<String, String> want = new TreeMap<>();
    Map<String, String> got = new TreeMap<>();
    for (JsonNode e : expected) {
      String id = e.get("id").asText();
      JsonNode by = e.get("duplicate_of");
      want.put(
          id,
          e.get("kept").asBoolean()
              ? "kept"
              : by == null ? "dropped" : "dropped for " + by.asText());
      Row r = rows.get(id);
      boolean kept = r.getAs("drop_reason") == null;
      got.put(
          id, kept ? "kept" : by == null ? "dropped" : "dropped for " + r.getAs("duplicate_of"));
    }
    assertEquals(want, got);
    assertEquals(expected.size(), rows.size());
  }

  @Test
  void redPajamaModeEqualsRedPajamaV1OnEveryBook() throws Exception {
    Path out = tmp.resolve("rp");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source books --compat redpajama --input %s --output %s --format json", inputs(), out);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.outText().contains("27 files: 38 books read, 0 malformed"), r.outText());
    Map<String, Row> rows = written(out);
    assertDecisions(expected("redpajama.jsonl"), rows);
    for (JsonNode e : expected("redpajama.jsonl")) {
      assertEquals(e.get("rp_id").asLong(), rows.get(e.get("id").asText()).<Long>getAs("rp_id"));
    }
    // The books dedup.py wrote, byte for byte: each is a kept book with the same text and fields.
    Map<String, Row> keptByText = new HashMap<>();
    rows.values().stream()
        .filter(row -> row.getAs("drop_reason") == null)
        .forEach(row -> keptByText.put(row.getAs("text"), row));
    List<String> lines =
        Files.readAllLines(GOLDEN.resolve("expected/redpajama-book.jsonl"), StandardCharsets.UTF_8);
    assertEquals(keptByText.size(), lines.size());
    for (String line : lines) {
      JsonNode book = JSON.readTree(line);
      Row row = keptByText.get(book.get("text").asText());
      JsonNode meta = book.get("meta");
      if (meta.has("title")) {
        assertEquals("books3", row.getAs("corpus"));
        assertEquals(meta.get("title").asText(), row.getAs("title"));
      } else if (meta.get("url").asText().startsWith("gutenberg/")) {
        assertEquals(meta.get("url").asText(), row.getAs("id")); // how make_golden.py names them
      } else {
        assertEquals("pg19", row.getAs("corpus"));
        assertEquals(meta.get("short_book_title").asText(), row.getAs("title"));
        assertEquals(meta.get("url").asText(), row.getAs("url"));
        assertEquals(meta.get("publication_date").asText(), row.getAs("publication_date"));
      }
    }
    JsonNode record = JSON.readTree(out.resolve("_corral/books.json").toFile());
    assertEquals("redpajama", record.at("/settings/compat").asText());
    assertEquals(
        rows.values().stream().filter(row -> row.getAs("drop_reason") != null).count(),
        record.at("/stats/by_drop_reason/book_near_duplicate").asLong());
    assertTrue(record.at("/stats/per_corpus/gutenberg/books").asLong() == 23, record.toString());
  }

  @Test
  void paperModeEqualsTheReferenceForBothMethods() throws Exception {
    Path containment = tmp.resolve("containment");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source books --input %s --output %s --format json", inputs(), containment);
    assertEquals(0, r.code(), r.err());
    Map<String, Row> rows = written(containment);
    assertDecisions(expected("paper-containment.jsonl"), rows);
    assertTrue(
        rows.values().stream().allMatch(row -> !row.schema().fieldNames()[0].equals("rp_id")));
    assertEquals("book_overlap", rows.get("gutenberg/moby10b").getAs("drop_reason"));
    assertEquals("gutenberg/2701", rows.get("gutenberg/moby10b").getAs("dedup_cluster"));

    Path simhash = tmp.resolve("simhash");
    r =
        CommandLineTest.cli(
            "source books --dedup simhash --input %s --output %s --format json", inputs(), simhash);
    assertEquals(0, r.code(), r.err());
    Map<String, Row> near = written(simhash);
    assertDecisions(expected("paper-simhash.jsonl"), near);
    assertEquals("book_near_duplicate", near.get("gutenberg/moby10b").getAs("drop_reason"));
    assertTrue(r.outText().contains("simhash dedup:"), r.outText());
  }

  @Test
  void usageErrorsBeforeSparkAndMalformedInputSkipped() throws Exception {
    Path out = tmp.resolve("out");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source books --compat redpajama --dedup containment --input %s --output %s",
            inputs(), out);
    assertEquals(2, r.code());
    assertTrue(
        r.err().contains("--dedup containment: RedPajama v1 deduplicated books with SimHash"),
        r.err());
    r = CommandLineTest.cli("source books --compat v2 --input %s --output %s", inputs(), out);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("invalid --compat 'v2': expected redpajama"), r.err());
    r = CommandLineTest.cli("source books --max-distance 3 --input %s --output %s", inputs(), out);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--max-distance: does not apply"), r.err());
    r =
        CommandLineTest.cli(
            "source books --dedup simhash --max-distance 99 --input %s --output %s", inputs(), out);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("invalid --max-distance '99'"), r.err());

    Path folder = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(
        folder.resolve("books3_000"),
        "{\"title\": \"a\", \"text\": \"The first book.\"}\nnot json\n"
            + "{\"title\": \"c\", \"text\": \"The third book.\"}\n");
    Files.copy(GOLDEN.resolve("gutenberg/1013.txt"), folder.resolve("1013.txt"));
    r =
        CommandLineTest.cli(
            "source books --dedup simhash --input %s --output %s", folder, tmp.resolve("bad"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.outText().contains("2 files: 3 books read, 1 malformed"), r.outText());
    assertTrue(
        r.outText().contains("books3_000: line 2 (byte 42): not JSON (Unrecognized token 'not')"),
        r.outText());
    Row third =
        SparkSession.active()
            .read()
            .format("delta")
            .load(tmp.resolve("bad").toString())
            .where("id = 'books3/books3_000/2'")
            .first();
    assertEquals("The third book.", third.getAs("text"));
  }
}
