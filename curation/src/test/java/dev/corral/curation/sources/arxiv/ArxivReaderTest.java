package dev.corral.curation.sources.arxiv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ArxivReader} and {@link LatexCleaner} in local Spark on the golden set: 42 papers in four
 * bulk tars packed as arXiv ships them ({@code make-tars.py}), read whole and in ranges down to one
 * block, must give exactly the records RedPajama v1's own code wrote for them ({@code
 * make-golden.py}: as it is, and with the paper's fixes), every paper it skipped skipped or dropped
 * for the matching reason, and no paper twice. Then damaged tars, folders of {@code .gz} files and
 * extracted project folders.
 */
class ArxivReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;
  private static Path resources;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws URISyntaxException {
    spark = TestSpark.start("ArxivReaderTest", Map.of());
    resources =
        Path.of(Objects.requireNonNull(ArxivReaderTest.class.getResource("/arxiv")).toURI());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  /** RedPajama's records of one mode, by arxiv_id. */
  static Map<String, JsonNode> expected(String mode) throws IOException {
    Map<String, JsonNode> records = new TreeMap<>();
    for (String line : Files.readAllLines(resources.resolve("expected-" + mode + ".jsonl"))) {
      JsonNode r = JSON.readTree(line);
      records.put(r.get("meta").get("arxiv_id").asText(), r);
    }
    return records;
  }

  /** What RedPajama skipped in one mode: arxiv_id (or raw file stem) to its reason. */
  static Map<String, String> skipped(String mode) throws IOException {
    Map<String, String> skipped = new TreeMap<>();
    for (String line : Files.readAllLines(resources.resolve("skipped-" + mode + ".tsv"))) {
      String[] f = line.split("\t");
      skipped.put(ArxivNames.formatId(f[0]), f[1]);
    }
    return skipped;
  }

  /** Reads and cleans {@code inputs}: every row by arxiv_id, and the read's counts. */
  static Map<String, Row> clean(ArxivReader.Result read, TexCleaner.Rules rules) {
    List<Row> rows =
        new LatexCleaner()
            .setRules(rules.label())
            .transform(read.papers())
            .select(
                ArxivReader.DOCUMENT_COLUMNS.stream()
                    .map(org.apache.spark.sql.functions::col)
                    .toArray(org.apache.spark.sql.Column[]::new))
            .collectAsList();
    Map<String, Row> byId = new TreeMap<>();
    for (Row r : rows) {
      Row before = byId.put(r.getAs("arxiv_id"), r);
      assertNull(before, "read twice: " + r.getAs("arxiv_id"));
    }
    return byId;
  }

  @ParameterizedTest
  @CsvSource({
    "redpajama, 67108864",
    "paper, 67108864",
    "redpajama, 512",
    "paper, 1536",
    "redpajama, 4000"
  })
  void goldenTarsGiveRedPajamasRecordsInEachMode(String mode, long split) throws IOException {
    TexCleaner.Rules rules = TexCleaner.Rules.ofLabel(mode);
    ArxivReader.Result read =
        ArxivReader.read(
            spark,
            List.of(resources.resolve("src").toString()),
            ArxivReader.Options.defaults().withSplitBytes(split));
    Map<String, Row> rows = clean(read, rules);
    Map<String, JsonNode> expected = expected(mode);
    Map<String, String> skipped = skipped(mode);

    Map<String, Row> kept = new TreeMap<>();
    rows.forEach(
        (id, r) -> {
          if (r.getAs("drop_reason") == null) {
            kept.put(id, r);
          }
        });
    assertEquals(expected.keySet(), kept.keySet());
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      Row r = kept.get(e.getKey());
      JsonNode meta = e.getValue().get("meta");
      assertEquals(e.getValue().get("text").asText(), r.getAs("text"), e.getKey());
      assertEquals("arxiv/" + e.getKey(), r.getAs("id"));
      assertEquals(meta.get("url").asText(), r.getAs("url"));
      assertEquals(meta.get("timestamp").asText(), r.getAs("timestamp"));
      assertEquals(meta.get("yymm").asText(), r.getAs("yymm"));
      assertEquals(meta.get("source").asText(), r.getAs("source"));
      assertNull(r.getAs("title"));
      assertNull(r.getAs("language"));
    }

    // Every paper RedPajama skipped is skipped at reading or dropped with the matching reason.
    Map<String, Long> readSkips = new TreeMap<>();
    for (Map.Entry<String, String> s : skipped.entrySet()) {
      Row r = rows.get(s.getKey());
      switch (s.getValue()) {
        case "unicode" -> readSkips.merge(ArxivReader.NON_UTF8, 1L, Long::sum);
        case "load" -> readSkips.merge(ArxivReader.UNREADABLE, 1L, Long::sum);
        case "failed" -> assertEquals(TexCleaner.MACRO_ESCAPE_ERROR, r.getAs("drop_reason"));
        case "empty", "blank" ->
            assertTrue(
                List.of(TexCleaner.EMPTY_TEXT, TexCleaner.NO_TEX_FILES)
                    .contains(r.<String>getAs("drop_reason")),
                s.getKey());
        default -> throw new AssertionError(s.toString());
      }
      if (List.of("unicode", "load").contains(s.getValue())) {
        assertNull(r, s.getKey() + " must not be a row");
      }
    }
    assertEquals(
        expected.size() + skipped.size(),
        rows.size() + read.skipped().values().stream().mapToLong(Long::longValue).sum());
    assertEquals(readSkips, read.skipped());
    assertEquals(rows.size(), read.papersRead());
    assertEquals(2, read.otherMembers()); // 2301/ and 2301/2301.00030.pdf
    assertTrue(split > 1 << 20 ? read.tasks() == 4 : read.tasks() > 10, "tasks " + read.tasks());
  }

  /** A copy of the 2301 tar with {@code damage} applied to its bytes. */
  private Path damaged(java.util.function.Consumer<byte[]> damage, int keep) throws IOException {
    byte[] tar = Files.readAllBytes(resources.resolve("src/arXiv_src_2301_001.tar"));
    byte[] copy = java.util.Arrays.copyOf(tar, keep < 0 ? tar.length : keep);
    damage.accept(copy);
    Path dir = Files.createDirectories(tmp.resolve("damaged"));
    Path file = dir.resolve("arXiv_src_2301_001.tar");
    Files.write(file, copy);
    return file;
  }

  /** Offsets of the members of the 2301 tar, by name (read with commons-compress). */
  private static Map<String, Long> memberOffsets() throws IOException {
    Map<String, Long> offsets = new HashMap<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(
            Files.newInputStream(resources.resolve("src/arXiv_src_2301_001.tar")))) {
      long offset = 0;
      for (TarArchiveEntry e = in.getNextTarEntry(); e != null; e = in.getNextTarEntry()) {
        offsets.put(e.getName(), in.getBytesRead() - 512);
        offset = in.getBytesRead();
      }
    }
    return offsets;
  }

  @ParameterizedTest
  @CsvSource({"67108864", "512", "2048", "3000"})
  void aBrokenHeaderCostsOnlyItsOwnPaper(long split) throws IOException {
    long at = memberOffsets().get("2301/2301.00015.gz");
    Path file = damaged(b -> b[(int) at + 148] ^= 0x05, -1); // a wrong checksum
    ArxivReader.Result read =
        ArxivReader.read(
            spark, List.of(file.toString()), ArxivReader.Options.defaults().withSplitBytes(split));
    Map<String, Row> rows = clean(read, TexCleaner.Rules.PAPER);
    TreeSet<String> expected = new TreeSet<>();
    for (String id : expected("paper").keySet()) {
      if (id.startsWith("2301.") && !id.equals("2301.00015")) {
        expected.add(id);
      }
    }
    TreeSet<String> keptIds = new TreeSet<>();
    rows.forEach(
        (id, r) -> {
          if (r.getAs("drop_reason") == null) {
            keptIds.add(id);
          }
        });
    assertEquals(expected, keptIds);
    assertEquals(1L, read.skipped().get(ArxivReader.DAMAGED_TAR));
    assertTrue(
        read.problems(10).stream()
            .anyMatch(p -> p.contains("offset " + at + ": invalid tar header")),
        read.problems(10).toString());
  }

  @Test
  void aTarCutShortKeepsThePapersBeforeTheCut() throws IOException {
    long at = memberOffsets().get("2301/2301.00020.gz");
    Path file = damaged(b -> {}, (int) at + 512 + 100); // the member's data is cut
    ArxivReader.Result read =
        ArxivReader.read(
            spark, List.of(file.toString()), ArxivReader.Options.defaults().withSplitBytes(1024));
    Map<String, Row> rows = clean(read, TexCleaner.Rules.REDPAJAMA);
    assertTrue(rows.containsKey("2301.00019"));
    assertTrue(
        rows.keySet().stream().noneMatch(id -> id.compareTo("2301.00020") >= 0),
        rows.keySet().toString());
    assertEquals(1L, read.skipped().get(ArxivReader.DAMAGED_TAR));
    assertTrue(
        read.problems(5).get(0).contains("offset " + at + ": member 2301/2301.00020.gz cut short"),
        read.problems(5).toString());
  }

  @Test
  void foldersOfGzFilesReadAsTheTarsMembers() throws IOException {
    // The 2302 tar's members as files, with the tar's times: the same records as from the tar.
    Path dir = tmp.resolve("gz");
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(
            Files.newInputStream(resources.resolve("src/arXiv_src_2302_001.tar")))) {
      for (TarArchiveEntry e = in.getNextTarEntry(); e != null; e = in.getNextTarEntry()) {
        Path f = dir.resolve(e.getName());
        Files.createDirectories(f.getParent());
        Files.write(f, in.readAllBytes());
        Files.setLastModifiedTime(f, FileTime.from(e.getLastModifiedDate().toInstant()));
      }
    }
    Map<String, Row> rows =
        clean(
            ArxivReader.read(spark, List.of(dir.toString()), ArxivReader.Options.defaults()),
            TexCleaner.Rules.PAPER);
    Map<String, JsonNode> expected = expected("paper");
    expected.keySet().removeIf(id -> !id.startsWith("2302."));
    assertEquals(expected.keySet(), rows.keySet());
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      Row r = rows.get(e.getKey());
      assertEquals(e.getValue().get("text").asText(), r.getAs("text"));
      assertEquals(e.getValue().get("meta").get("timestamp").asText(), r.getAs("timestamp"));
      assertEquals("2302", r.getAs("yymm"));
    }
  }

  @Test
  void extractedProjectFoldersAreOnePaperEach() throws IOException {
    // papers/2302/<id>/ are the projects as authors wrote them; their files sort in tar order.
    ArxivReader.Result read =
        ArxivReader.read(
            spark,
            List.of(
                resources.resolve("papers/2302").toString(),
                resources.resolve("papers/0702").toString()),
            ArxivReader.Options.defaults());
    Map<String, Row> rows = clean(read, TexCleaner.Rules.REDPAJAMA);
    Map<String, JsonNode> expected = expected("redpajama");
    expected.keySet().removeIf(id -> !id.startsWith("2302.") && !id.contains("/07"));
    assertEquals(expected.keySet(), rows.keySet());
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      assertEquals(e.getValue().get("text").asText(), rows.get(e.getKey()).getAs("text"));
      assertEquals(
          e.getValue().get("meta").get("yymm").asText(), rows.get(e.getKey()).getAs("yymm"));
    }
    assertEquals(8, read.files().size());
  }

  @Test
  void aPathThatMatchesNothingIsAnError() {
    CorralException e =
        assertThrows(
            CorralException.class,
            () ->
                ArxivReader.read(
                    spark,
                    List.of(tmp.resolve("missing/*.tar").toString()),
                    ArxivReader.Options.defaults()));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
    assertThrows(
        CorralException.class,
        () -> ArxivReader.read(spark, List.of(tmp.toString()), ArxivReader.Options.defaults()));
  }
}
