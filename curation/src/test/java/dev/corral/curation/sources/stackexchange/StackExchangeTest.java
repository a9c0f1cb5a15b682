package dev.corral.curation.sources.stackexchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader on real Spark (local[2]) and real files: the golden dump (RedPajama's own scripts gave
 * the expected texts), a real 7z made by p7zip, damaged copies of both, and many small sites.
 */
class StackExchangeTest {
  static final Path GOLDEN = Path.of("src/test/resources/stackexchange");
  static final Path DUMP = GOLDEN.resolve("dump");
  static final List<String> ALL_SITES =
      List.of(
          "cooking.stackexchange.com",
          "math.stackexchange.com",
          "meta.cooking.stackexchange.com",
          "superuser.com");

  static SparkSession spark;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("StackExchangeTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  /** id -> document, of a read. */
  static Map<String, Row> byId(StackExchange.Result read) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : read.documents().collectAsList()) {
      out.put(r.getAs("id"), r);
    }
    return out;
  }

  static Map<String, JsonNode> expected(String name) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> out = new TreeMap<>();
    for (String line : Files.readAllLines(GOLDEN.resolve(name), StandardCharsets.UTF_8)) {
      JsonNode d = json.readTree(line);
      out.put(d.get("id").asText(), d);
    }
    return out;
  }

  static StackExchange.Options allSites() {
    return StackExchange.Options.defaults().withSites(String.join(",", ALL_SITES));
  }

  /** The {@code <row} lines of a Posts.xml: its posts, as RedPajama's count.py counts them. */
  static long postsIn(Path postsXml) throws Exception {
    try (var lines = Files.lines(postsXml, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.stripLeading().startsWith("<row ")).count();
    }
  }

  static long postsInDump() throws Exception {
    long posts = 0;
    for (String site : ALL_SITES) {
      posts += postsIn(DUMP.resolve(site).resolve("Posts.xml"));
    }
    return posts;
  }

  /**
   * Every question's text equals the reference's, and no other document appears; returns "N/N
   * questions".
   */
  static String assertParity(Map<String, JsonNode> expected, Map<String, Row> got) {
    assertEquals(expected.keySet(), got.keySet());
    List<String> differ = new ArrayList<>();
    for (var e : expected.entrySet()) {
      Row r = got.get(e.getKey());
      if (!e.getValue().get("text").asText().equals(r.getAs("text"))
          || e.getValue().get("question_score").asLong() != r.<Long>getAs("question_score")) {
        differ.add(e.getKey());
      }
    }
    assertEquals(List.of(), differ, differ.size() + " of " + expected.size() + " differ");
    return (expected.size() - differ.size()) + "/" + expected.size() + " questions";
  }

  @Test
  void textsEqualTheReferenceWithAnswersByNumericScore() throws Exception {
    try (StackExchange.Result read =
        StackExchange.read(spark, List.of(DUMP.toString()), allSites())) {
      Map<String, Row> docs = byId(read);
      assertParity(expected("expected-numeric.jsonl"), docs);
      assertEquals(ALL_SITES, read.sites());
      Row first = docs.get("stackexchange/cooking.stackexchange.com/1");
      assertEquals("stackexchange", first.getAs("source"));
      assertEquals("https://cooking.stackexchange.com/questions/1", first.getAs("url"));
      assertEquals("cooking.stackexchange.com", first.getAs("site"));
      assertEquals(1L, first.<Long>getAs("question_id"));
      assertNull(first.getAs("language"));
      assertTrue(first.<String>getAs("timestamp").matches("\\d{4}-\\d\\d-\\d\\dT.*"));
      assertTrue(first.<String>getAs("licence").startsWith("CC BY-SA "));
      // math's rows carry no ContentLicense, as dumps before 2021 do.
      assertNull(docs.get("stackexchange/math.stackexchange.com/500").getAs("licence"));
      // Each site has three orphan answers and two tag wikis; some questions have no title.
      Map<String, Long> skipped = read.skipped();
      assertEquals(12L, skipped.get(StackExchange.ORPHAN_ANSWER), skipped.toString());
      assertEquals(8L, skipped.get(StackExchange.NOT_QUESTION_OR_ANSWER), skipped.toString());
      assertTrue(skipped.get(StackExchange.UNTITLED_QUESTION) > 0, skipped.toString());
      assertEquals(postsInDump(), read.postsRead());
      assertEquals(620, read.postsRead());
      assertEquals(docs.size(), read.documentsRead());
      assertEquals(Map.of(), read.malformedByFile());
    }
  }

  @Test
  void redPajamaCompatOrdersScoresAsStrings() throws Exception {
    StackExchange.Options compat = allSites().withRedPajamaOrder(true);
    try (StackExchange.Result read = StackExchange.read(spark, List.of(DUMP.toString()), compat)) {
      assertParity(expected("expected-redpajama.jsonl"), byId(read));
    }
    // The two orders differ on the golden posts (scores 9, 10, -1), so the test can tell them
    // apart.
    assertFalse(
        expected("expected-redpajama.jsonl").values().stream()
            .map(d -> d.get("text").asText())
            .toList()
            .equals(
                expected("expected-numeric.jsonl").values().stream()
                    .map(d -> d.get("text").asText())
                    .toList()));
  }

  /**
   * Issue #14: one Posts.xml of >= 300 posts holding every case (nested lists, code blocks,
   * entities, scores 9/10/-1/100 on one question, ties, untitled and unanswered questions, orphans,
   * answers before their question, unicode; make-golden.py checks they are there) gives RedPajama's
   * texts on every question, in the numeric order and in RedPajama's.
   */
  @Test
  void theShowcaseFileAloneEqualsTheReferenceOnEveryQuestionInBothOrders() throws Exception {
    String site = "math.stackexchange.com";
    Path posts = DUMP.resolve(site).resolve("Posts.xml");
    long count = postsIn(posts);
    assertTrue(count >= 300, posts + ": " + count + " posts");
    List<Map<String, String>> textsByOrder = new ArrayList<>();
    for (boolean redPajama : new boolean[] {false, true}) {
      Map<String, JsonNode> expected =
          expected(redPajama ? "expected-redpajama.jsonl" : "expected-numeric.jsonl");
      expected.keySet().removeIf(id -> !id.startsWith("stackexchange/" + site + "/"));
      assertTrue(expected.size() >= 90, "questions: " + expected.size());
      try (StackExchange.Result read =
          StackExchange.read(
              spark,
              List.of(posts.toString()),
              StackExchange.Options.defaults().withRedPajamaOrder(redPajama))) {
        Map<String, Row> docs = byId(read);
        assertEquals(count, read.postsRead());
        assertEquals(List.of(site), read.sites());
        String parity = assertParity(expected, docs);
        assertEquals(expected.size() + "/" + expected.size() + " questions", parity);
        System.out.printf(
            "%s (%d posts): %s equal to RedPajama's, %s order%n",
            site, count, parity, redPajama ? "RedPajama's" : "numeric");
        Map<String, String> texts = new TreeMap<>();
        docs.forEach((id, r) -> texts.put(id, r.getAs("text")));
        textsByOrder.add(texts);
      }
    }
    // The orders give different texts on some questions here, so each check can fail alone.
    Map<String, String> numeric = textsByOrder.get(0);
    long differ =
        numeric.keySet().stream()
            .filter(id -> !numeric.get(id).equals(textsByOrder.get(1).get(id)))
            .count();
    assertTrue(differ > 0, "the two orders never differ");
  }

  @Test
  void theLargestSitesLeaveMetaSitesOut() throws Exception {
    try (StackExchange.Result read =
        StackExchange.read(spark, List.of(DUMP.toString()), StackExchange.Options.defaults())) {
      assertEquals(
          List.of("cooking.stackexchange.com", "math.stackexchange.com", "superuser.com"),
          read.sites());
      Map<String, JsonNode> expected = expected("expected-numeric.jsonl");
      expected.keySet().removeIf(id -> id.contains("/meta."));
      assertParity(expected, byId(read));
    }
  }

  @Test
  void aFileSplitIntoManyTasksGivesWhatOneTaskGives() {
    Path posts = DUMP.resolve("math.stackexchange.com/Posts.xml");
    StackExchange.Options one = StackExchange.Options.defaults().withSplitBytes(1L << 30);
    StackExchange.Options many = StackExchange.Options.defaults().withSplitBytes(10_000);
    try (StackExchange.Result a = StackExchange.read(spark, List.of(posts.toString()), one);
        StackExchange.Result b = StackExchange.read(spark, List.of(posts.toString()), many)) {
      Map<String, Row> whole = byId(a);
      Map<String, Row> split = byId(b);
      assertEquals(1, a.readTasks());
      assertTrue(b.readTasks() >= 3, "tasks: " + b.readTasks());
      assertEquals(whole, split);
      assertEquals(a.postsRead(), b.postsRead());
      assertEquals(a.bytesRead(), b.bytesRead());
      assertTrue(whole.size() > 30);
    }
  }

  @Test
  void anArchiveReadsAsItsExtractedFolder() throws Exception {
    Path archive = GOLDEN.resolve("archives/cooking.stackexchange.com.7z");
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    try (StackExchange.Result fromArchive =
            StackExchange.read(
                spark,
                List.of(archive.toString()),
                StackExchange.Options.defaults()
                    .withSplitBytes(20_000)
                    .withStaging(staging.toString()));
        StackExchange.Result fromFolder =
            StackExchange.read(
                spark,
                List.of(DUMP.resolve("cooking.stackexchange.com").toString()),
                StackExchange.Options.defaults())) {
      assertEquals(byId(fromFolder), byId(fromArchive));
      assertTrue(Files.list(staging).findAny().isPresent(), "decoded under the staging folder");
      assertTrue(fromArchive.readTasks() >= 3, "an archive is read by many tasks once decoded");
      assertEquals(1, fromArchive.files().size());
      assertTrue(
          fromArchive.files().get(0).endsWith(archive.toString()), fromArchive.files().toString());
    }
    try (var left = Files.list(staging)) {
      assertEquals(0, left.count(), "closing the read deletes what it decoded");
    }
  }

  @Test
  void aCutArchiveIsSkippedAndCountedAndTheOtherSitesAreRead() throws Exception {
    byte[] whole = Files.readAllBytes(GOLDEN.resolve("archives/cooking.stackexchange.com.7z"));
    Path cut = tmp.resolve("cooking.stackexchange.com.7z");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    Path math = DUMP.resolve("math.stackexchange.com");
    try (StackExchange.Result read =
        StackExchange.read(
            spark, List.of(cut.toString(), math.toString()), StackExchange.Options.defaults())) {
      Map<String, JsonNode> expected = expected("expected-numeric.jsonl");
      expected.keySet().removeIf(id -> !id.contains("/math."));
      assertParity(expected, byId(read));
      assertEquals(1L, read.skipped().get("archive_unreadable"), read.skipped().toString());
      assertEquals(Map.of(cut.toString(), 1L), stripScheme(read.malformedByFile()));
      assertTrue(
          read.malformed().get(0).contains("cannot read the 7z header"),
          read.malformed().toString());
    }
  }

  @Test
  void aStreamThatBreaksKeepsTheWholeLinesBeforeTheBreak() throws Exception {
    byte[] bytes = Files.readAllBytes(GOLDEN.resolve("archives/cooking.stackexchange.com.7z"));
    // Damage the packed stream (it starts after the 32-byte signature header), not the header.
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] = (byte) (bytes[i] ^ 0x5A);
    }
    Path damaged = tmp.resolve("cooking.stackexchange.com.7z");
    Files.write(damaged, bytes);
    try (StackExchange.Result read =
        StackExchange.read(spark, List.of(damaged.toString()), StackExchange.Options.defaults())) {
      Map<String, Row> docs = byId(read);
      Map<String, Long> skipped = read.skipped();
      assertTrue(
          skipped.containsKey("archive_truncated") || skipped.containsKey("archive_checksum"),
          skipped.toString());
      String where = read.malformed().get(0);
      assertTrue(where.contains("Posts.xml of "), where);
      // Every post read came whole from the original: each document that got all its posts equals
      // the reference's, and a question never appears with a text the reference does not start.
      Map<String, JsonNode> expected = expected("expected-numeric.jsonl");
      assertTrue(
          read.postsRead() > 0 && read.postsRead() < 132,
          "posts: " + read.postsRead() + " " + skipped + " " + read.malformed());
      for (var e : docs.entrySet()) {
        String question = e.getValue().<String>getAs("text").split("\nA: ")[0];
        assertTrue(expected.get(e.getKey()).get("text").asText().startsWith(question), e.getKey());
      }
    }
  }

  @Test
  void malformedLinesAreSkippedAndCountedWithTheirOffsetsAndCostNoNeighbour() throws Exception {
    List<byte[]> lines = splitLines(Files.readAllBytes(DUMP.resolve("superuser.com/Posts.xml")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Long> offsets = new ArrayList<>();
    byte[][] bad = {
      "  <row Id=\"77777\" PostTypeId=\"1\" Title=\"broken <row\" />\r\n"
          .getBytes(StandardCharsets.UTF_8),
      new byte[] {
        ' ',
        '<',
        'r',
        'o',
        'w',
        ' ',
        'I',
        'd',
        '=',
        '"',
        '1',
        '"',
        ' ',
        'T',
        'i',
        't',
        'l',
        'e',
        '=',
        '"',
        (byte) 0xC3,
        (byte) 0x28,
        '"',
        ' ',
        '/',
        '>',
        '\r',
        '\n'
      },
      "  <row Id=\"88888\" PostTypeId=\"2\" ParentId=\"9000\" Body=\"unclosed \r\n"
          .getBytes(StandardCharsets.UTF_8),
      "not xml at all\r\n".getBytes(StandardCharsets.UTF_8)
    };
    for (int i = 0; i < lines.size(); i++) {
      if (i > 2 && i % 25 == 0 && offsets.size() < bad.length) {
        offsets.add((long) out.size());
        out.write(bad[offsets.size() - 1]);
      }
      out.write(lines.get(i));
    }
    assertEquals(bad.length, offsets.size());
    Path file = Files.createDirectories(tmp.resolve("superuser.com")).resolve("Posts.xml");
    Files.write(file, out.toByteArray());
    try (StackExchange.Result read =
        StackExchange.read(
            spark,
            List.of(file.getParent().toString()),
            StackExchange.Options.defaults().withSplitBytes(7_000))) {
      Map<String, JsonNode> expected = expected("expected-numeric.jsonl");
      expected.keySet().removeIf(id -> !id.contains("/superuser.com/"));
      assertParity(expected, byId(read));
      assertEquals((long) bad.length, read.skipped().get(StackExchange.MALFORMED_ROW));
      List<String> where = read.malformed();
      assertEquals(bad.length, where.size(), where.toString());
      for (int i = 0; i < bad.length; i++) {
        long offset = offsets.get(i);
        assertTrue(
            where.stream().anyMatch(w -> w.contains("Posts.xml:" + offset + ": ")),
            where + " " + offset);
      }
      assertTrue(where.stream().anyMatch(w -> w.endsWith("invalid UTF-8")), where.toString());
    }
  }

  @Test
  void choosesTheLargestSitesByPostsAcrossArchivesAndFiles() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("many"));
    // 30 sites of 1..30 posts, a larger meta site (math's 325 posts), the golden archive (132
    // posts,
    // the largest that counts) and another table of the dump, which is passed over.
    for (int i = 1; i <= 30; i++) {
      StringBuilder xml =
          new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n");
      for (int k = 0; k < i; k++) {
        xml.append("  <row Id=\"")
            .append(k + 1)
            .append("\" PostTypeId=\"1\" Score=\"0\" Title=\"t\" Body=\"b\" />\n");
      }
      xml.append("</posts>\n");
      Path site = Files.createDirectories(root.resolve(String.format("site%02d.example.com", i)));
      Files.writeString(site.resolve("Posts.xml"), xml);
    }
    Files.copy(
        DUMP.resolve("math.stackexchange.com/Posts.xml"),
        Files.createDirectories(root.resolve("meta.math.stackexchange.com")).resolve("Posts.xml"));
    Files.copy(
        GOLDEN.resolve("archives/cooking.stackexchange.com.7z"),
        root.resolve("cooking.stackexchange.com.7z"));
    Files.writeString(root.resolve("cooking.stackexchange.com-Comments.7z"), "not read");
    try (StackExchange.Result read =
        StackExchange.read(spark, List.of(root.toString()), StackExchange.Options.defaults())) {
      List<String> expected = new ArrayList<>(List.of("cooking.stackexchange.com"));
      for (int i = 4; i <= 30; i++) {
        expected.add(String.format("site%02d.example.com", i));
      }
      assertEquals(expected.stream().sorted().toList(), read.sites());
      assertEquals(132L, read.postsBySite().get("cooking.stackexchange.com"));
      assertEquals(3L, read.postsBySite().get("site03.example.com"));
      assertFalse(read.postsBySite().containsKey("meta.math.stackexchange.com"));
      assertEquals(1 + 27, read.documents().select("site").distinct().count());
    }
    // Named sites: exactly those, a meta site included; an absent one is a usage error.
    try (StackExchange.Result read =
        StackExchange.read(
            spark,
            List.of(root.toString()),
            StackExchange.Options.defaults()
                .withSites("site01.example.com,meta.math.stackexchange.com"))) {
      assertEquals(List.of("meta.math.stackexchange.com", "site01.example.com"), read.sites());
    }
    CorralException e =
        assertThrows(
            CorralException.class,
            () ->
                StackExchange.read(
                    spark,
                    List.of(root.toString()),
                    StackExchange.Options.defaults().withSites("nosuch.example.com")));
    assertEquals(CorralException.Kind.USAGE, e.kind());
    assertTrue(
        e.getMessage().startsWith("--sites: no input holds nosuch.example.com"), e.getMessage());
  }

  @Test
  void optionsRefuseWhatCannotWork() {
    assertThrows(CorralException.class, () -> StackExchange.Options.defaults().withSites("0"));
    assertThrows(CorralException.class, () -> StackExchange.Options.defaults().withSites("a,,b"));
    assertThrows(CorralException.class, () -> StackExchange.Options.defaults().withSplitBytes(0));
    assertEquals(5, StackExchange.Options.defaults().withSites(" 5 ").top());
  }

  private static Map<String, Long> stripScheme(Map<String, Long> byFile) {
    Map<String, Long> out = new TreeMap<>();
    byFile.forEach((k, v) -> out.put(k.replaceFirst("^file:", ""), v));
    return out;
  }

  private static List<byte[]> splitLines(byte[] bytes) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        out.add(Arrays.copyOfRange(bytes, start, i + 1));
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      out.add(Arrays.copyOfRange(bytes, start, bytes.length));
    }
    return out;
  }
}
