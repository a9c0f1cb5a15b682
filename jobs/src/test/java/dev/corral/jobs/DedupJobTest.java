package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * corral dedup end to end on JSONL without ids: near-duplicates, exact copies, reruns, the summary.
 */
class DedupJobTest {
  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  @Test
  void annotatesEveryRowAndSummarizesTheClusters() throws Exception {
    List<String> paragraphs = new ArrayList<>();
    for (String line : Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8)) {
      String text = line.split("\t", 3)[2];
      if (text.split(" ").length >= 30) {
        paragraphs.add(text);
      }
    }
    SplittableRandom random = new SplittableRandom(9);
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      docs.add(
          paragraphs.get(random.nextInt(paragraphs.size()))
              + "\n"
              + paragraphs.get(random.nextInt(paragraphs.size())));
    }
    docs.add(docs.get(0) + " Share this page."); // a near-duplicate of page 0
    docs.add(docs.get(1).toUpperCase()); // an exact copy of page 1 once normalized
    docs.add(docs.get(1));
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < docs.size(); i++) {
      jsonl
          .append("{\"id\": ")
          .append(i)
          .append(", \"url\": \"https://example.org/")
          .append(i)
          .append("\", \"text\": \"")
          .append(docs.get(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
          .append("\"}\n");
    }
    Path input = tmp.resolve("pages.jsonl");
    Files.writeString(input, jsonl);

    Path out = tmp.resolve("dedup");
    for (int run = 0; run < 2; run++) { // a rerun replaces the output, never appends
      CommandLineTest.Result r = CommandLineTest.cli("dedup --input %s --output %s", input, out);
      assertEquals(0, r.code(), r.err());
      assertTrue(
          r.outText().contains("minhash dedup: 203 documents, 2 clusters of duplicates, 3 removed"),
          r.outText());
      assertTrue(r.outText().contains("https://example.org/1 https://example.org/20"), r.outText());
    }
    Dataset<Row> rows = SparkSession.active().read().format("delta").load(out.toString());
    assertEquals(203, rows.count());
    Row near = rows.where("url = 'https://example.org/200'").first();
    assertEquals("near_duplicate", near.getAs("drop_reason"));
    assertEquals(0L, near.<Long>getAs("duplicate_of"));
    Row kept = rows.where("url = 'https://example.org/0'").first();
    assertNull(kept.getAs("drop_reason"));
    assertEquals(2L, kept.<Long>getAs("cluster_size"));
    assertTrue(Files.readString(out.resolve("_corral/dedup.md")).contains("| removed | 3 |"));
    assertTrue(
        Files.readString(out.resolve("_corral/dedup.json")).contains("\"largest_clusters\""));

    Path exact = tmp.resolve("exact");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "dedup --method exact --input %s --output %s --format parquet", input, exact);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.outText().contains("exact dedup: 203 documents, 1 clusters of duplicates, 2 removed"),
        r.outText());
    Dataset<Row> exactRows = SparkSession.active().read().parquet(exact.toString());
    assertEquals(
        2, exactRows.where("drop_reason = 'exact_duplicate' and duplicate_of = 1").count());

    CommandLineTest.Result bytes =
        CommandLineTest.cli(
            "dedup --method exact --no-normalize --input %s --output %s",
            input, tmp.resolve("bytes"));
    assertTrue(
        bytes.outText().contains("exact dedup: 203 documents, 1 clusters of duplicates, 1 removed"),
        bytes.outText());
  }
}
