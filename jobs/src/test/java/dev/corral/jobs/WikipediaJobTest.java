package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.sources.wikipedia.DumpFixtures;
import dev.corral.curation.sources.wikipedia.DumpFixtures.TestPage;
import dev.corral.curation.sources.wikipedia.Wikipedia;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code corral source wikipedia} end to end, through the job runner. */
class WikipediaJobTest {
  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  private static final List<TestPage> PAGES = DumpFixtures.pages(200);

  private static long articles(List<TestPage> pages) {
    return pages.stream().filter(p -> p.ns() == 0 && !p.redirect() && p.text() != null).count();
  }

  @Test
  void dumpsToDocumentsWithAReport() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("dumps"));
    // An English multistream dump with its index, read by several tasks.
    DumpFixtures.multistream(
        in.resolve("enwiki-20220701-pages-articles-multistream.xml.bz2"),
        in.resolve("enwiki-20220701-pages-articles-multistream-index.txt.bz2"),
        DumpFixtures.header("enwiki", "File", "Category"),
        PAGES,
        20);
    // A Dutch dump with a page whose text is not UTF-8.
    List<TestPage> dutch = PAGES.subList(0, 5);
    byte[] nl = DumpFixtures.xml(DumpFixtures.header("nlwiki", "Bestand", "Categorie"), dutch);
    String text = new String(nl, StandardCharsets.UTF_8);
    int broken = text.indexOf("'''Page 2'''");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    bytes[text.substring(0, broken).getBytes(StandardCharsets.UTF_8).length] = (byte) 0xFF;
    Files.write(in.resolve("nlwiki-20220601-pages-articles.xml"), bytes);
    // A Thai dump: not one of LLaMA's languages, so not read.
    Files.write(
        in.resolve("thwiki-20220601-pages-articles.xml"),
        DumpFixtures.xml(DumpFixtures.header("thwiki", "ไฟล์", "หมวดหมู่"), dutch));

    Path out = tmp.resolve("wikipedia");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source wikipedia --input %s --output %s --format parquet --split-mb 0.01", in, out);
    assertEquals(0, r.code(), r.err());
    String console = r.outText();
    assertTrue(console.contains("malformed: ") && console.contains("nlwiki-20220601"), console);
    assertTrue(console.contains("not read (language not selected)"), console);
    SparkSession spark = SparkSession.active();
    Dataset<Row> docs = spark.read().parquet(out.toString());
    assertEquals(Arrays.asList(Wikipedia.SCHEMA.fieldNames()), Arrays.asList(docs.columns()));
    long expected = articles(PAGES) + articles(dutch) - 1;
    assertEquals(expected, docs.count());
    assertEquals(articles(PAGES), docs.filter("language = 'en'").count());
    assertEquals(0, docs.filter("text like '%[[%' or text like '%{{%'").count());

    JsonNode record =
        new ObjectMapper().readTree(out.resolve("_corral/source-wikipedia.json").toFile());
    JsonNode stats = record.path("stats");
    assertEquals(PAGES.size() + dutch.size(), stats.path("records_read").asLong());
    assertEquals(expected, stats.path("documents").asLong());
    assertEquals(expected, record.path("rows").path("written").asLong());
    assertEquals(1, stats.path("skipped_by_reason").path("malformed").asLong());
    assertTrue(
        stats.path("malformed_first").get(0).asText().contains("invalid UTF-8"),
        stats.path("malformed_first").toString());
    assertEquals(articles(PAGES), stats.path("by_language").path("en").path("documents").asLong());
    assertTrue(stats.path("chars").asLong() > 0);
    assertEquals(1, stats.path("files_not_read").size());
    assertTrue(record.path("settings").path("languages").toString().contains("\"uk\""));
    assertTrue(Files.readString(out.resolve("_corral/source-wikipedia.md")).contains("malformed"));
  }

  @Test
  void deltaByDefaultAndOnlyTheLanguagesAsked() throws Exception {
    Path golden = Path.of("../curation/src/test/resources/wikipedia/golden").toAbsolutePath();
    Path out = tmp.resolve("delta");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source wikipedia --input %s --output %s --languages de,fr", golden, out);
    assertEquals(0, r.code(), r.err());
    Dataset<Row> docs = SparkSession.active().read().format("delta").load(out.toString());
    assertEquals(
        List.of("de", "fr"),
        docs.select("language")
            .distinct()
            .orderBy("language")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
    assertEquals(26, docs.count());
  }

  @Test
  void theDemoSampleIsTheReferenceBuildersPages() throws Exception {
    Path sample = Path.of("src/main/resources/dev/corral/jobs/demo/sources/wikipedia");
    Path out = tmp.resolve("demo");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "source wikipedia --input %s --output %s --format json", sample.toAbsolutePath(), out);
    assertEquals(0, r.code(), r.err());
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> expected = new TreeMap<>();
    for (String line :
        Files.readAllLines(Path.of("src/test/resources/wikipedia-demo/expected.jsonl"))) {
      JsonNode e = json.readTree(line);
      expected.put("wikipedia/en/" + e.path("id").asText(), e);
    }
    Map<String, JsonNode> got = new TreeMap<>();
    try (var parts = Files.list(out)) {
      for (Path part : parts.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(part)) {
          JsonNode d = json.readTree(line);
          got.put(d.path("id").asText(), d);
        }
      }
    }
    assertEquals(expected.keySet(), got.keySet());
    expected.forEach(
        (id, e) -> {
          assertEquals(e.path("text").asText(), got.get(id).path("text").asText(), id);
          assertEquals(e.path("title").asText(), got.get(id).path("title").asText(), id);
          assertEquals("enwiki-20220701", got.get(id).path("dump").asText(), id);
        });
    JsonNode stats = json.readTree(out.resolve("_corral/source-wikipedia.json").toFile());
    assertEquals(6, stats.path("stats").path("records_read").asLong());
  }

  @Test
  void badFlagsAreOneLineUsageErrorsAndNonDumpsDataErrors() throws Exception {
    Path xml = tmp.resolve("enwiki-20220701-pages-articles.xml");
    Files.write(
        xml,
        DumpFixtures.xml(DumpFixtures.header("enwiki", "File", "Category"), PAGES.subList(0, 2)));
    CommandLineTest.Result split =
        CommandLineTest.cli(
            "source wikipedia --input %s --output %s --split-mb 0", xml, tmp.resolve("a"));
    assertEquals(2, split.code(), split.err());
    assertEquals(1, split.err().strip().lines().count(), split.err());
    assertTrue(split.err().contains("--split-mb"), split.err());
    CommandLineTest.Result lang =
        CommandLineTest.cli(
            "source wikipedia --input %s --output %s --languages en,EN!", xml, tmp.resolve("b"));
    assertEquals(2, lang.code(), lang.err());
    assertTrue(lang.err().contains("EN!"), lang.err());
    Path notes = tmp.resolve("notes.txt");
    Files.writeString(notes, "not a dump");
    CommandLineTest.Result none =
        CommandLineTest.cli("source wikipedia --input %s --output %s", notes, tmp.resolve("c"));
    assertEquals(1, none.code(), none.err());
    assertTrue(none.err().contains("no MediaWiki XML or CirrusSearch dumps"), none.err());
  }
}
