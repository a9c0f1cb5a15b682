package dev.corral.curation.sources.books;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The books reader on the golden set (ids, RedPajama ids, corpora, header fields, texts as the
 * reference strips them) and on broken input: every bad line or file skipped and counted with its
 * offset, its neighbours kept with their numbers.
 */
class BooksReaderTest {
  private static SparkSession spark;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("BooksReaderTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    rows.forEach(r -> out.put(r.getString(0), r));
    return out;
  }

  @Test
  void readsTheGoldenSetWithRedPajamaIdsAndTheReferenceTexts() throws Exception {
    Path golden = GoldenBooks.folder();
    Books.Result read =
        Books.read(
            spark,
            List.of(
                golden.resolve("gutenberg").toString(),
                golden.resolve("pg19").toString(),
                golden.resolve("books3").toString()),
            Books.Options.defaults().withRedPajama(true).withTaskBytes(100_000));
    Map<String, Row> rows = byId(read.documents().collectAsList());
    assertEquals(38, rows.size());
    assertEquals(38, read.documentsRead());
    assertEquals(0, read.malformed());
    assertEquals(27, read.files().size());
    assertTrue(read.documents().rdd().getNumPartitions() > 5, "Gutenberg files in several tasks");
    for (JsonNode e : GoldenBooks.expected("redpajama.jsonl")) {
      Row r = rows.get(e.get("id").asText());
      assertEquals(e.get("rp_id").asLong(), r.<Long>getAs(Books.RP_ID), e.get("id").asText());
      assertEquals("books", r.getAs("source"));
    }
    for (JsonNode e : GoldenBooks.expected("gutenberg.jsonl")) {
      assertEquals(e.get("redpajama").asText(), rows.get(e.get("id").asText()).getAs("text"));
    }
    Row moby = rows.get("gutenberg/2701-0");
    assertEquals("gutenberg", moby.getAs(Books.CORPUS));
    assertEquals("Moby Dick; or The Whale", moby.getAs("title"));
    assertEquals("https://www.gutenberg.org/ebooks/2701", moby.getAs("url"));
    assertEquals("en", moby.getAs("language"));
    assertEquals("June, 2001", moby.getAs("timestamp"));
    Row pg19 = rows.get("pg19/pg19_001/0");
    assertEquals("pg19", pg19.getAs(Books.CORPUS));
    assertEquals("1851", pg19.getAs(Books.PUBLICATION_DATE));
    assertEquals("http://www.gutenberg.org/ebooks/2701", pg19.getAs("url"));
    Row books3 = rows.get("books3/books3_000/1");
    assertEquals("Prices of Books (reissue)", books3.getAs("title"));
    assertNull(books3.getAs("url"));

    // Paper mode: no rp_id, and the short book without its licence.
    Books.Result paper =
        Books.read(
            spark,
            List.of(golden.resolve("gutenberg/10089.txt").toString()),
            Books.Options.defaults());
    Row shortBook = paper.documents().first();
    assertEquals(9, shortBook.size());
    assertTrue(shortBook.getString(1).contains("A CURSING"));
  }

  @Test
  void skipsAndCountsWhatCannotBeReadAndKeepsTheNeighbours() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("in"));
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    lines.writeBytes(
        ("{\"title\": \"first\", \"text\": \"one\"}\n"
                + "\n"
                + "{\"title\": \"x\", \"text\": \n"
                + "[1, 2]\n"
                + "{\"title\": \"no text\", \"text\": null}\n")
            .getBytes(StandardCharsets.UTF_8));
    lines.writeBytes(
        new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'});
    lines.writeBytes(
        "{\"title\": \"last\", \"text\": \"seven\"}\r\n".getBytes(StandardCharsets.UTF_8));
    Files.write(folder.resolve("books3_004.jsonl"), lines.toByteArray());
    try (OutputStream gz =
        new GZIPOutputStream(Files.newOutputStream(folder.resolve("p.jsonl.gz")))) {
      gz.write(
          "{\"short_book_title\": \"T\", \"publication_date\": 1900, \"url\": \"u\", \"text\": \"t\"}\n"
              .getBytes(StandardCharsets.UTF_8));
    }
    byte[] gzip = Files.readAllBytes(folder.resolve("p.jsonl.gz"));
    Files.write(folder.resolve("broken.txt.gz"), java.util.Arrays.copyOf(gzip, 12));
    Files.write(folder.resolve("empty.txt"), new byte[0]);
    Files.writeString(
        folder.resolve("ok.txt"),
        "Title: Ok\n*** START OF THE PROJECT GUTENBERG EBOOK OK ***\nfine\n");

    Books.Result read =
        Books.read(spark, List.of(folder.toString()), Books.Options.defaults().withRedPajama(true));
    Map<String, Row> rows = byId(read.documents().collectAsList());
    assertEquals(
        Map.of(
            "books3/books3_004/0",
            8000L,
            "books3/books3_004/6",
            8006L,
            "pg19/p/0",
            0L,
            "gutenberg/ok",
            2L), // after broken.txt.gz and empty.txt: skipped, still numbered
        Map.of(
            "books3/books3_004/0", rows.get("books3/books3_004/0").<Long>getAs(Books.RP_ID),
            "books3/books3_004/6", rows.get("books3/books3_004/6").<Long>getAs(Books.RP_ID),
            "pg19/p/0", rows.get("pg19/p/0").<Long>getAs(Books.RP_ID),
            "gutenberg/ok", rows.get("gutenberg/ok").<Long>getAs(Books.RP_ID)));
    assertEquals("seven", rows.get("books3/books3_004/6").getAs("text"));
    assertEquals("1900", rows.get("pg19/p/0").getAs(Books.PUBLICATION_DATE));
    assertEquals("fine", rows.get("gutenberg/ok").getAs("text"));
    assertEquals(4, read.documentsRead());
    assertEquals(7, read.malformed());
    Map<String, Long> byFile = read.malformedByFile();
    assertEquals(3, byFile.size(), byFile.toString());
    List<String> first = read.firstMalformed();
    assertTrue(
        first.stream().anyMatch(f -> f.endsWith("books3_004.jsonl: line 2 (byte 34): blank line")),
        first.toString());
    assertTrue(first.stream().anyMatch(f -> f.endsWith("empty.txt: empty file")), first.toString());
    assertTrue(
        first.stream().anyMatch(f -> f.contains("broken.txt.gz: cannot be read whole")),
        first.toString());

    CorralException missing =
        assertThrows(
            CorralException.class,
            () ->
                Books.read(
                    spark, List.of(tmp.resolve("nope").toString()), Books.Options.defaults()));
    assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
  }
}
