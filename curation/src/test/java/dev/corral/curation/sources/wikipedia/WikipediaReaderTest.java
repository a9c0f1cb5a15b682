package dev.corral.curation.sources.wikipedia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.sources.SourceColumns;
import dev.corral.curation.sources.wikipedia.DumpFixtures.TestPage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Wikipedia#read} on real Spark (local[2]) with real dump formats. */
class WikipediaReaderTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  private static final String HEADER = DumpFixtures.header("enwiki", "File", "Category");
  private static final List<TestPage> PAGES = DumpFixtures.pages(240);

  @BeforeAll
  static void start() {
    spark = TestSpark.start("WikipediaReaderTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static Wikipedia.Options split(long bytes) {
    return Wikipedia.Options.defaults().withSplitBytes(bytes);
  }

  /** The rows by page id, as lists of every column. */
  private static Map<Long, List<Object>> rows(Wikipedia.Result r) {
    Map<Long, List<Object>> out = new TreeMap<>();
    for (Row row : r.documents().collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        values.add(row.get(i));
      }
      out.put(row.<Long>getAs(Wikipedia.PAGE_ID), values);
    }
    return out;
  }

  private static long articles() {
    return PAGES.stream().filter(p -> p.ns() == 0 && !p.redirect() && p.text() != null).count();
  }

  @Test
  void aDumpReadByManyTasksYieldsExactlyTheDocumentsOfOneTask() throws Exception {
    byte[] xml = DumpFixtures.xml(HEADER, PAGES);
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.write(plain.resolve("enwiki-20220701-pages-articles.xml"), xml);
    Path bz2 = Files.createDirectories(tmp.resolve("bz2"));
    Files.write(bz2.resolve("enwiki-20220701-pages-articles.xml.bz2"), DumpFixtures.bzip2(xml, 1));
    Path multi = Files.createDirectories(tmp.resolve("multi"));
    DumpFixtures.multistream(
        multi.resolve("enwiki-20220701-pages-articles-multistream.xml.bz2"),
        multi.resolve("enwiki-20220701-pages-articles-multistream-index.txt.bz2"),
        HEADER,
        PAGES,
        20);
    Wikipedia.Result whole = Wikipedia.read(spark, List.of(plain.toString()), split(1L << 40));
    assertEquals(1, whole.documents().rdd().getNumPartitions());
    Map<Long, List<Object>> expected = rows(whole);
    assertEquals(articles(), expected.size());
    for (Path dir : List.of(plain, bz2, multi)) {
      Wikipedia.Result many = Wikipedia.read(spark, List.of(dir.toString()), split(10_000));
      int tasks = many.documents().rdd().getNumPartitions();
      assertTrue(tasks >= 3, dir + ": " + tasks + " tasks");
      assertEquals(expected, rows(many), dir.toString());
      // Counts are per split, summed per file: every page counted once, whatever the tasks.
      DumpCounts.Split total = many.total();
      assertEquals(PAGES.size(), total.records(), dir + " records");
      assertEquals(articles(), total.documents());
      assertEquals(
          PAGES.stream().filter(p -> p.ns() != 0).count(), total.skipped().get("not_article"));
      assertEquals(
          PAGES.stream().filter(TestPage::redirect).count(), total.skipped().get("redirect"));
      assertEquals(
          PAGES.stream().filter(p -> p.text() == null).count(), total.skipped().get("empty_text"));
    }
  }

  @Test
  void bytesAndRecordsReadAreSparkInputMetrics() throws Exception {
    Path file = tmp.resolve("enwiki-20220701-pages-articles.xml.bz2");
    byte[] bz2 = DumpFixtures.bzip2(DumpFixtures.xml(HEADER, PAGES), 1);
    Files.write(file, bz2);
    java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();
    org.apache.spark.scheduler.SparkListener listener =
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            bytes.addAndGet(end.taskMetrics().inputMetrics().bytesRead());
            records.addAndGet(end.taskMetrics().inputMetrics().recordsRead());
          }
        };
    spark.sparkContext().addSparkListener(listener);
    try {
      Wikipedia.read(spark, List.of(file.toString()), split(10_000)).documents().count();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    // Pages are the records; the bytes are the compressed file's (each split reads past its end
    // to finish its last page, so a little more than the file).
    assertEquals(PAGES.size(), records.get());
    assertTrue(bytes.get() >= bz2.length, bytes.get() + " bytes read of " + bz2.length);
  }

  @Test
  void rowsCarryTheCommonColumnsAndTheDumpsOwn() throws Exception {
    Path file = tmp.resolve("enwiki-20220701-pages-articles.xml");
    Files.write(file, DumpFixtures.xml(HEADER, PAGES.subList(0, 3)));
    Wikipedia.Result r = Wikipedia.read(spark, List.of(file.toString()));
    assertEquals(Wikipedia.SCHEMA, r.documents().schema());
    assertEquals(
        SourceColumns.COMMON.stream().map(f -> f.name()).toList(),
        Arrays.asList(r.documents().columns()).subList(0, 7));
    Row row = r.documents().orderBy(Wikipedia.PAGE_ID).first();
    TestPage p = PAGES.get(0);
    assertEquals("wikipedia/en/" + p.id(), row.getAs(SourceColumns.ID));
    assertEquals("wikipedia", row.getAs(SourceColumns.SOURCE));
    assertEquals(p.title(), row.getAs(SourceColumns.TITLE));
    assertEquals(
        "https://en.wikipedia.org/wiki/Page%200%20%28%C3%A9t%C3%A9%20%26%20co%29",
        row.getAs(SourceColumns.URL));
    assertEquals("en", row.getAs(SourceColumns.LANGUAGE));
    assertEquals("20220701", row.getAs(SourceColumns.TIMESTAMP));
    assertEquals("enwiki-20220701", row.getAs(Wikipedia.DUMP));
    assertEquals(1_000_000 + p.id(), (long) row.<Long>getAs(Wikipedia.REVISION_ID));
    assertEquals(WikitextCleaner.forLanguage("en").clean(p.text()), row.getAs(SourceColumns.TEXT));
    String text = row.getAs(SourceColumns.TEXT);
    assertTrue(text.startsWith("Page 0 "), text);
    assertTrue(!text.contains("[[") && !text.contains("{{") && !text.contains("<ref"), text);
  }

  @Test
  void brokenPagesInvalidUtf8AndBrokenXmlAreCountedWithTheirOffsets() throws Exception {
    byte[] good = DumpFixtures.xml(HEADER, PAGES.subList(0, 6));
    String xml = new String(good, StandardCharsets.UTF_8);
    // Page 1: its title never closes; page 2: bytes that are not UTF-8 in its text.
    String page1 = DumpFixtures.pageXml(PAGES.get(1));
    String page2 = DumpFixtures.pageXml(PAGES.get(2));
    xml = xml.replace(page1, page1.replace("</title>", ""));
    int page2At = xml.indexOf(page2);
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    int page2Offset = xml.substring(0, page2At).getBytes(StandardCharsets.UTF_8).length;
    int textAt = page2Offset + page2.indexOf("'''Page") + 3;
    bytes[textAt] = (byte) 0xC3; // a lead byte followed by 'P': invalid
    Path file = tmp.resolve("enwiki-20220701-pages-articles.xml");
    Files.write(file, bytes);
    Wikipedia.Result r = Wikipedia.read(spark, List.of(file.toString()));
    Set<Long> ids = rows(r).keySet();
    assertEquals(
        Set.of(PAGES.get(0).id(), PAGES.get(3).id(), PAGES.get(4).id(), PAGES.get(5).id()), ids);
    List<DumpCounts.Malformed> malformed = r.malformed();
    assertEquals(2, malformed.size(), malformed.toString());
    int page1Offset =
        xml.substring(0, xml.indexOf(page1.replace("</title>", "")))
            .getBytes(StandardCharsets.UTF_8)
            .length;
    assertEquals(page1Offset, malformed.get(0).offset());
    assertTrue(malformed.get(0).reason().startsWith("broken page XML"), malformed.get(0).reason());
    assertEquals(page2Offset, malformed.get(1).offset());
    assertTrue(malformed.get(1).reason().startsWith("invalid UTF-8"), malformed.get(1).reason());
    assertEquals(file.toUri().toString().replace("file:///", "file:/"), malformed.get(0).file());
    assertEquals(2L, r.total().skipped().get("malformed"));
  }

  @Test
  void aTruncatedBzip2DumpKeepsItsCompletePagesAndSaysWhere() throws Exception {
    byte[] whole = DumpFixtures.bzip2(DumpFixtures.xml(HEADER, PAGES), 1);
    Path file = tmp.resolve("enwiki-20220701-pages-articles.xml.bz2");
    Files.write(file, Arrays.copyOf(whole, whole.length - 2_000));
    Wikipedia.Result r = Wikipedia.read(spark, List.of(file.toString()), split(10_000));
    long kept = r.documents().count();
    assertTrue(kept > articles() / 2 && kept < articles(), kept + " of " + articles());
    assertTrue(r.total().skipped().get("malformed") >= 1);
    assertTrue(r.malformed().get(0).offset() > 0);
    assertTrue(r.summary().contains("malformed"), r.summary());
  }

  @Test
  void theLanguageComesFromTheSiteinfoOrTheOptionAndSelectsDumps() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("dumps"));
    Files.write(
        dir.resolve("dewiki-20220701-pages-articles.xml"),
        DumpFixtures.xml(DumpFixtures.header("dewiki", "Datei", "Kategorie"), PAGES.subList(0, 3)));
    Files.write(
        dir.resolve("thwiki-20220701-pages-articles.xml"),
        DumpFixtures.xml(DumpFixtures.header("thwiki", "ไฟล์", "หมวดหมู่"), PAGES.subList(3, 6)));
    // No siteinfo dbname, no wiki in the name: only --language can tell.
    Files.write(
        dir.resolve("dump.xml"),
        DumpFixtures.xml(DumpFixtures.header("", "File", "Category"), PAGES.subList(0, 1)));
    CorralException unknown =
        assertThrows(CorralException.class, () -> Wikipedia.read(spark, List.of(dir.toString())));
    assertTrue(unknown.getMessage().contains("dump.xml: cannot tell the wiki's language"));
    Files.delete(dir.resolve("dump.xml"));
    // Also in the folder: an index and a checksum file, which are not dumps.
    Files.writeString(dir.resolve("dewiki-20220701-md5sums.txt"), "abc");
    Wikipedia.Result r = Wikipedia.read(spark, List.of(dir.toString()));
    assertEquals(1, r.files().size());
    assertEquals("de", r.files().get(0).language());
    assertEquals(List.of("th"), r.skippedFiles().stream().map(DumpFile::language).toList());
    assertEquals(
        List.of("de"),
        r.documents()
            .select("language")
            .distinct()
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
    Wikipedia.Result forced =
        Wikipedia.read(
            spark,
            List.of(dir.resolve("thwiki-20220701-pages-articles.xml").toString()),
            Wikipedia.Options.defaults().withLanguage("hr"));
    assertEquals(
        "wikipedia/hr/" + PAGES.get(3).id(),
        forced.documents().orderBy("page_id").first().getAs("id"));
  }

  @Test
  void theGoldenDumpsGiveTheReferenceBuildersPages() throws Exception {
    Wikipedia.Result r =
        Wikipedia.read(spark, List.of(WikitextGoldenTest.GOLDEN.toAbsolutePath().toString()));
    assertEquals(20, r.files().size());
    Map<String, Row> byId = new TreeMap<>();
    for (Row row : r.documents().collectAsList()) {
      byId.put(row.getAs("id"), row);
    }
    ObjectMapper json = new ObjectMapper();
    int exact = 0;
    int n = 0;
    for (String line : Files.readAllLines(WikitextGoldenTest.GOLDEN.resolve("expected.jsonl"))) {
      JsonNode e = json.readTree(line);
      Row row = byId.get("wikipedia/" + e.get("language").asText() + "/" + e.get("id").asText());
      assertEquals(e.get("title").asText(), row.getAs("title"));
      assertEquals(e.get("url").asText(), row.getAs("url"));
      exact += e.get("text").asText().equals(row.getAs("text")) ? 1 : 0;
      n++;
    }
    assertEquals(n, byId.size());
    assertEquals(n - 2, exact, "all but the two pages of differences.txt");
    Map<String, long[]> languages = r.byLanguage();
    assertEquals(20, languages.size());
    assertEquals(13, languages.get("en")[0]);
  }

  @Test
  void cirrusSearchDumpsAreReadAsTheyAre() throws Exception {
    StringBuilder lines = new StringBuilder();
    lines.append("{\"index\":{\"_type\":\"page\",\"_id\":\"12\"}}\n");
    lines.append(
        "{\"namespace\":0,\"title\":\"Anarchism\",\"text\":\"Anarchism is a political philosophy.\",\"version\":1095432589,\"language\":\"en\",\"wiki\":\"enwiki\"}\n");
    lines.append("{\"index\":{\"_type\":\"page\",\"_id\":\"13\"}}\n");
    lines.append(
        "{\"namespace\":1,\"title\":\"Talk:Anarchism\",\"text\":\"talk\",\"version\":2}\n");
    lines.append("{\"index\":{\"_type\":\"page\",\"_id\":\"14\"}}\n");
    lines.append("{\"namespace\":0,\"title\":\"Empty\",\"text\":\"\",\"version\":3}\n");
    lines.append("{\"index\":{\"_type\":\"page\",\"_id\":\"15\"}}\n");
    lines.append("{not json\n");
    lines.append("{\"index\":{\"_type\":\"page\",\"_id\":\"16\"}}\n");
    lines.append(
        "{\"namespace\":0,\"title\":\"Zürich\",\"text\":\"Zürich is a city.\",\"version\":4}\n");
    Path file = tmp.resolve("enwiki-20220627-cirrussearch-content.json.gz");
    Files.write(file, DumpFixtures.gzip(lines.toString().getBytes(StandardCharsets.UTF_8)));
    Wikipedia.Result r = Wikipedia.read(spark, List.of(file.toString()));
    List<Row> rows = r.documents().orderBy("page_id").collectAsList();
    assertEquals(2, rows.size());
    assertEquals("wikipedia/en/12", rows.get(0).getAs("id"));
    assertEquals("Anarchism is a political philosophy.", rows.get(0).getAs("text"));
    assertEquals(1095432589L, (long) rows.get(0).<Long>getAs("revision_id"));
    assertEquals("enwiki-20220627", rows.get(0).getAs("dump"));
    assertEquals("https://en.wikipedia.org/wiki/Z%C3%BCrich", rows.get(1).getAs("url"));
    assertEquals(5, r.total().records());
    assertEquals(1L, r.total().skipped().get("not_article"));
    assertEquals(1L, r.total().skipped().get("empty_text"));
    assertEquals(1L, r.total().skipped().get("malformed"));
    assertNull(r.files().get(0).siteinfo());
  }
}
