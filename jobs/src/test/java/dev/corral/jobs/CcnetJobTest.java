package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.io.WarcFixtures;
import dev.corral.curation.lm.CcnetNormalizer;
import dev.corral.curation.lm.NgramTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * corral ccnet end to end: WET files (one truncated) → dedup → language → perplexity → buckets →
 * report.
 */
class CcnetJobTest {
  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  @Test
  void wetToBucketsByLanguage() throws Exception {
    List<String[]> udhr = new ArrayList<>();
    for (String line : Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8)) {
      udhr.add(line.split("\t"));
    }
    List<String> dutch = udhr.stream().filter(f -> f[1].equals("nl")).map(f -> f[2]).toList();
    List<String> swedish = udhr.stream().filter(f -> f[1].equals("sv")).map(f -> f[2]).toList();
    // A Dutch model over CCNet-normalized, whitespace-tokenized text; Swedish has none.
    Path lmDir = Files.createDirectories(tmp.resolve("lm"));
    List<String> corpus = new ArrayList<>(dutch);
    corpus.addAll(udhr.stream().filter(f -> f[1].equals("af")).map(f -> f[2]).toList());
    new NgramTrainer(3)
        .train(corpus.stream().map(CcnetNormalizer::normalize).toList(), lmDir.resolve("nl.arpa"));

    String boilerplate = "Home | About us | Contact | Privacy";
    List<byte[]> records = new ArrayList<>(List.of(WarcFixtures.warcinfo("part-0.warc.wet.gz")));
    for (int i = 0; i + 2 < dutch.size(); i += 3) {
      records.add(
          WarcFixtures.conversion(
              "http://nl.example.org/" + i,
              "2019-02-15T19:15:59Z",
              "Page " + i,
              String.join("\n", boilerplate, dutch.get(i), dutch.get(i + 1), dutch.get(i + 2))));
    }
    // Pages the report counts by reason: only numbers (no language), only boilerplate (no line
    // left).
    records.add(
        WarcFixtures.conversion(
            "http://nl.example.org/numbers",
            "2019-02-15T19:15:59Z",
            "Numbers",
            "1234 5678 9012 3456 7890 ".repeat(20)));
    records.add(
        WarcFixtures.conversion(
            "http://nl.example.org/menu",
            "2019-02-15T19:15:59Z",
            "Menu",
            String.join("\n", Collections.nCopies(10, boilerplate))));
    Path wet =
        tmp.resolve("crawl-data/CC-MAIN-2019-09/segments/1550247479101.30/wet/part-0.warc.wet.gz");
    Files.createDirectories(wet.getParent());
    WarcFixtures.writeGzip(wet, records);
    // The second file, Swedish pages, is cut off in the middle of its last record.
    records = new ArrayList<>(List.of(WarcFixtures.warcinfo("part-1.warc.wet.gz")));
    for (int i = 0; i + 2 < swedish.size(); i += 3) {
      records.add(
          WarcFixtures.conversion(
              "http://sv.example.org/" + i,
              "2019-02-15T19:15:59Z",
              "Page " + i,
              String.join(
                  "\n", boilerplate, swedish.get(i), swedish.get(i + 1), swedish.get(i + 2))));
    }
    Path part1 = wet.resolveSibling("part-1.warc.wet.gz");
    WarcFixtures.writeGzip(part1, records);
    byte[] whole = Files.readAllBytes(part1);
    Files.write(part1, Arrays.copyOf(whole, whole.length - 200));

    Path out = tmp.resolve("ccnet");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "ccnet --input %s --output %s --lm-dir %s --tokenizer whitespace --format parquet",
            wet.getParent(), out, lmDir);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.outText().contains("malformed"), r.outText());
    Dataset<Row> docs = SparkSession.active().read().parquet(out.toString());
    // The boilerplate line repeats across pages, so dedup removed it from every page.
    assertEquals(0, docs.filter("raw_content like '%About us%'").count());
    Row nl = docs.filter("language = 'nl' and drop_reason is null").first();
    assertNotNull(nl.getAs("perplexity"));
    assertTrue(
        List.of("head", "middle", "tail").contains(nl.<String>getAs("bucket")), nl.toString());
    assertEquals(3, docs.filter("language = 'nl'").select("bucket").distinct().count());
    Row sv = docs.filter("language = 'sv'").first();
    assertNull(sv.getAs("perplexity"));
    assertEquals("all", sv.getAs("bucket"));
    assertTrue(Files.isDirectory(out.resolve("language=nl/bucket=head")));
    assertTrue(Files.exists(out.resolve("_corral/ccnet.json")));
    assertTrue(Files.readString(out.resolve("_corral/ccnet.md")).contains("malformed records"));
    reportCountsTheTable(out, docs);
    // Two stages have a param named mode: each flag sets its own stage's. As a Delta table, the
    // report counts languages and buckets from the log's file statistics.
    Path modes = tmp.resolve("ccnet-modes");
    CommandLineTest.Result both =
        CommandLineTest.cli(
            "ccnet --input %s --output %s --lm-dir %s --tokenizer whitespace"
                + " --perplexity-mode document --line-dedup one_pass",
            wet.getParent(), modes, lmDir);
    assertEquals(0, both.code(), both.err());
    reportCountsTheTable(
        modes, SparkSession.active().read().format("delta").load(modes.toString()));
    String record = Files.readString(modes.resolve("_corral/ccnet.json"));
    assertTrue(
        record.matches("(?s).*\"mode\"\\s*:\\s*\"one_pass\".*")
            && record.matches("(?s).*\"mode\"\\s*:\\s*\"document\".*"),
        record);
    // JSON lines carry every field in each record (CCNet's tools read them so).
    Path jsonOut = tmp.resolve("ccnet-json");
    CommandLineTest.Result asJson =
        CommandLineTest.cli("ccnet --input %s --output %s --format json", wet.getParent(), jsonOut);
    assertEquals(0, asJson.code(), asJson.err());
    String firstRecord;
    try (var files = Files.list(jsonOut)) {
      Path part =
          files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
      firstRecord = Files.readAllLines(part).get(0);
    }
    assertTrue(
        firstRecord.contains("\"language\":") && firstRecord.contains("\"bucket\":"), firstRecord);
    for (String field :
        List.of(
            "url",
            "digest",
            "date_download",
            "source_domain",
            "title",
            "raw_content",
            "nlines",
            "original_nlines",
            "length",
            "original_length",
            "cc_segment",
            "line_ids",
            "language",
            "language_score",
            "perplexity",
            "bucket")) {
      assertTrue(
          Arrays.asList(docs.columns()).contains(field),
          field + " in " + Arrays.toString(docs.columns()));
    }
  }

  /**
   * The report's figures, taken during the write (and from the Delta log), equal the written
   * table's.
   */
  private static void reportCountsTheTable(Path out, Dataset<Row> docs) throws Exception {
    JsonNode stats =
        new ObjectMapper().readTree(out.resolve("_corral/ccnet.json").toFile()).path("stats");
    Row sums =
        docs.selectExpr(
                "count(*)",
                "sum(original_nlines)",
                "sum(nlines)",
                "sum(original_length)",
                "sum(length)")
            .first();
    assertEquals(sums.getLong(0), stats.path("documents").asLong(), stats.toString());
    assertEquals(sums.getLong(1), stats.path("lines_in").asLong(), stats.toString());
    assertEquals(sums.getLong(2), stats.path("lines_out").asLong(), stats.toString());
    assertEquals(sums.getLong(3), stats.path("bytes_in").asLong(), stats.toString());
    assertEquals(sums.getLong(4), stats.path("bytes_out").asLong(), stats.toString());
    Map<String, Long> reasons = new TreeMap<>();
    Map<String, Long> buckets = new TreeMap<>();
    for (Row r :
        docs.selectExpr("coalesce(drop_reason, '(kept)')", "language", "bucket").collectAsList()) {
      reasons.merge(r.getString(0), 1L, Long::sum);
      buckets.merge(
          (r.isNullAt(1) ? "(none)" : r.getString(1)) + "/" + r.getString(2), 1L, Long::sum);
    }
    assertTrue(reasons.size() > 1 && buckets.size() > 3, reasons + " " + buckets);
    assertEquals(reasons, counts(stats.path("by_drop_reason")));
    assertEquals(buckets, counts(stats.path("documents_by_language_and_bucket")));
  }

  private static Map<String, Long> counts(JsonNode node) {
    Map<String, Long> out = new TreeMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  /**
   * conf/ccnet-quality.yaml as shipped (model paths pointed at test models): every stage runs in
   * one pipeline.
   */
  @Test
  void theShippedCcnetQualityPipelineRuns() throws Exception {
    List<String[]> udhr = new ArrayList<>();
    for (String line : Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8)) {
      udhr.add(line.split("\t"));
    }
    Path lmDir = Files.createDirectories(tmp.resolve("models/lm"));
    new NgramTrainer(3)
        .train(
            udhr.stream()
                .filter(f -> f[1].equals("nl") || f[1].equals("af"))
                .map(f -> CcnetNormalizer.normalize(f[2]))
                .toList(),
            lmDir.resolve("nl.arpa"));
    SparkSession spark =
        SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
    List<String> pages = new ArrayList<>();
    for (int i = 0; i + 4 < udhr.size(); i += 97) {
      pages.add(
          String.join(
              "\n", udhr.get(i)[2], udhr.get(i + 1)[2], udhr.get(i + 2)[2], udhr.get(i + 3)[2]));
    }
    List<String> dutch = udhr.stream().filter(f -> f[1].equals("nl")).map(f -> f[2]).toList();
    for (int i = 0; i + 4 < dutch.size(); i += 4) {
      pages.add(String.join("\n", dutch.subList(i, i + 4)));
    }
    Path docs = tmp.resolve("docs.parquet");
    spark
        .createDataset(pages, org.apache.spark.sql.Encoders.STRING())
        .toDF("raw_content")
        .write()
        .parquet(docs.toString());
    Path quality = tmp.resolve("models/quality.bin");
    new dev.corral.curation.classify.FastTextTrainer()
        .setModelPath(quality.toString())
        .setDim(8)
        .setEpoch(2)
        .setBucket(10_000)
        .fit(
            spark
                .read()
                .parquet(docs.toString())
                .withColumnRenamed("raw_content", "text")
                .withColumn(
                    "label",
                    org.apache.spark.sql.functions.expr("if(length(text) % 2 = 0, 'wiki', 'cc')")));
    Path config = tmp.resolve("ccnet-quality.yaml");
    Files.writeString(
        config,
        Files.readString(Path.of("../conf/ccnet-quality.yaml"))
            .replace("lmDir: models/lm", "lmDir: " + lmDir)
            .replace("modelPath: models/quality.bin", "modelPath: " + quality));
    Path out = tmp.resolve("curated");
    CommandLineTest.Result r =
        CommandLineTest.cli("curate --config %s --input %s --output %s", config, docs, out);
    assertEquals(0, r.code(), r.err());
    Dataset<Row> curated = SparkSession.active().read().format("delta").load(out.toString());
    assertEquals(pages.size(), curated.count());
    for (String column :
        List.of(
            "line_ids",
            "language",
            "perplexity",
            "bucket",
            "quality_score",
            "gopher_word_count",
            "c4_text",
            "drop_reason")) {
      assertTrue(Arrays.asList(curated.columns()).contains(column), column);
    }
    assertTrue(curated.filter("language = 'nl' and perplexity is not null").count() > 0);
  }
}
