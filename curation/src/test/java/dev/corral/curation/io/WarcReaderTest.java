package dev.corral.curation.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarcReaderTest {
  private static final String SEGMENT =
      "crawl-data/CC-MAIN-2019-09/segments/1550247479101.30/wet/CC-MAIN-20190215183319-20190215205319-00000.warc.wet.gz";

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("WarcReaderTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  /** A body of {@code lines} lines, each about 60 characters, unique to {@code tag}. */
  static String body(String tag, int lines) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      b.append(i == 0 ? "" : "\n")
          .append("Line ")
          .append(i)
          .append(" of ")
          .append(tag)
          .append(" with some words to make it long enough.");
    }
    return b.toString();
  }

  private static List<byte[]> wetRecords() {
    return List.of(
        WarcFixtures.warcinfo("CC-MAIN-20190215183319-20190215205319-00000.warc.wet.gz"),
        WarcFixtures.conversion(
            "http://example.com/a", "2019-02-15T19:15:59Z", "Page A", body("a", 8)),
        WarcFixtures.conversion(
            "https://user@example.org:8080/b?q=1",
            "2019-02-15T19:16:00Z",
            "  Page B  ",
            "  padded line one, then a CRLF\r\n\u00a0second line after a no-break space\u00a0\r\n"
                + body("b", 6)),
        WarcFixtures.conversion(
            "http://short.example/", "2019-02-15T19:16:01Z", "Short", "too short to keep"),
        WarcFixtures.conversion(
            "http://example.net/c", "2019-02-15T19:16:02Z", "Page C", body("c", 10)));
  }

  private static List<Row> rows(WarcReader.Result result) {
    return result.documents().orderBy("url").collectAsList();
  }

  @Test
  void readsWetConversionsLikeCcnet() throws IOException {
    Path file = tmp.resolve(SEGMENT);
    WarcFixtures.writeGzip(file, wetRecords());
    WarcReader.Result result = WarcReader.read(spark, List.of(file.toString()));
    List<Row> rows = rows(result);
    assertEquals(3, rows.size(), "warcinfo skipped, the short document dropped");
    assertEquals(
        Arrays.asList(WarcReader.SCHEMA.fieldNames()), Arrays.asList(result.documents().columns()));

    Row a = rows.get(0);
    assertEquals("http://example.com/a", a.getAs("url"));
    assertEquals("example.com", a.getAs("source_domain"));
    assertEquals("2019-02-15T19:15:59Z", a.getAs("date_download"));
    assertTrue(((String) a.getAs("digest")).startsWith("sha1:"));
    assertEquals("Page A", a.getAs("title"));
    assertEquals(body("a", 8), a.getAs("raw_content"));
    assertEquals(8, (int) a.getAs("nlines"));
    assertEquals(
        ("Page A\n" + body("a", 8)).length(),
        (int) a.getAs("length"),
        "Content-Length of the block");
    assertTrue(((String) a.getAs("cc_segment")).startsWith("crawl-data/CC-MAIN-2019-09/"));
    assertTrue(((String) a.getAs("cc_segment")).endsWith(".warc.wet.gz"));

    Row b = rows.get(2);
    assertEquals(
        "user@example.org:8080", b.getAs("source_domain"), "urlparse netloc keeps user and port");
    assertEquals("Page B", b.getAs("title"), "lines are stripped");
    String content = b.getAs("raw_content");
    assertTrue(
        content.startsWith(
            "padded line one, then a CRLF\nsecond line after a no-break space\nLine 0 of b"),
        content);
    assertEquals(8, (int) b.getAs("nlines"));

    assertEquals(3, result.documentsRead());
    assertEquals(1, result.shortDocuments());
    assertEquals(0, result.malformedRecords());
    assertTrue(result.summary().contains("3 documents"), result.summary());
  }

  @Test
  void minLengthIsAParameter() throws IOException {
    Path file = tmp.resolve("one.wet.gz");
    WarcFixtures.writeGzip(file, wetRecords());
    WarcReader.Result all =
        WarcReader.read(
            spark, List.of(file.toString()), WarcReader.Options.defaults().withMinLength(0));
    List<Row> rows = rows(all);
    assertEquals(4, rows.size());
    Row shortDoc =
        rows.stream().filter(r -> r.getAs("url").equals("http://short.example/")).findFirst().get();
    assertEquals("too short to keep", shortDoc.getAs("raw_content"));
    assertEquals(
        file.toUri().toString().replace("file:///", "file:/"),
        shortDoc.getAs("cc_segment"),
        "no crawl-data/ in the path: the whole path");
    assertEquals(
        1,
        WarcReader.read(
                spark,
                List.of(file.toString()),
                WarcReader.Options.defaults().withMinLength(pythonLength(body("c", 10))))
            .documents()
            .count(),
        "min_len counts code points");
    assertThrows(CorralException.class, () -> new WarcReader.Options(-1));
  }

  private static int pythonLength(String s) {
    return s.codePointCount(0, s.length());
  }

  @Test
  void skipsAndCountsATruncatedRecordAndKeepsTheRest() throws IOException {
    List<byte[]> members = WarcFixtures.members(wetRecords());
    // A download cut off in the middle of the last gzip member.
    byte[] last = members.get(members.size() - 1);
    List<byte[]> cut = new ArrayList<>(members.subList(0, members.size() - 1));
    cut.add(Arrays.copyOf(last, last.length / 2));
    Path file = tmp.resolve("truncated.warc.wet.gz");
    Files.write(file, WarcFixtures.concat(cut.toArray(new byte[0][])));

    WarcReader.Result result = WarcReader.read(spark, List.of(file.toString()));
    List<String> urls =
        rows(result).stream().map(r -> (String) r.getAs("url")).collect(Collectors.toList());
    assertEquals(List.of("http://example.com/a", "https://user@example.org:8080/b?q=1"), urls);
    assertEquals(1, result.malformedRecords());
    assertEquals(2, result.documentsRead());
  }

  @Test
  void readsOnAfterADamagedMemberInTheMiddle() throws IOException {
    List<byte[]> members = new ArrayList<>(WarcFixtures.members(wetRecords()));
    // Damage the deflate data of record A (member 1) and cut record B's member short: two bad
    // records, then C.
    byte[] a = members.get(1).clone();
    for (int i = 12; i < a.length - 8; i += 3) {
      a[i] = (byte) 0xff;
    }
    members.set(1, a);
    byte[] b = members.get(2);
    members.set(2, Arrays.copyOf(b, b.length - 20));
    Path file = tmp.resolve("damaged.warc.wet.gz");
    Files.write(file, WarcFixtures.concat(members.toArray(new byte[0][])));

    WarcReader.Result result = WarcReader.read(spark, List.of(file.toString()));
    List<String> urls =
        rows(result).stream().map(r -> (String) r.getAs("url")).collect(Collectors.toList());
    assertEquals(List.of("http://example.net/c"), urls);
    assertEquals(2, result.malformedRecords());
  }

  @Test
  void readsWarcResponsesWithTextPayloadsGzippedOrPlain() throws IOException {
    String html =
        "<html><head><title>T</title></head>\n<body>" + body("html", 6) + "</body></html>";
    List<byte[]> records =
        List.of(
            WarcFixtures.warcinfo("x.warc.gz"),
            WarcFixtures.response(
                "http://example.com/page",
                "2019-02-15T19:15:59Z",
                "text/html; charset=UTF-8",
                html),
            WarcFixtures.response(
                "http://example.com/img.png", "2019-02-15T19:16:00Z", "image/png", body("png", 9)),
            WarcFixtures.response(
                "http://example.com/robots.txt",
                "2019-02-15T19:16:01Z",
                "text/plain",
                body("t", 7)));
    Path gz = tmp.resolve("warc/a.warc.gz");
    WarcFixtures.writeGzip(gz, records);
    Path plain = tmp.resolve("warc/b.warc");
    WarcFixtures.writePlain(plain, records);

    for (Path file : List.of(gz, plain)) {
      WarcReader.Result result = WarcReader.read(spark, List.of(file.toString()));
      List<Row> rows = rows(result);
      assertEquals(2, rows.size(), file + ": text/* responses only");
      Row page = rows.get(0);
      assertEquals("http://example.com/page", page.getAs("url"));
      assertEquals(html, page.getAs("raw_content"));
      assertNull(page.getAs("title"));
      assertEquals(
          html.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
          (int) page.getAs("length"));
      assertTrue(((String) page.getAs("digest")).startsWith("sha1:"), "payload digest");
      assertEquals(0, result.malformedRecords());
    }
  }

  @Test
  void skipsABadRecordInAnUncompressedFile() throws IOException {
    List<byte[]> records = new ArrayList<>(wetRecords());
    // A record whose Content-Length is not a number: jwarc cannot parse it; the next "WARC/" line
    // starts over.
    records.set(
        1,
        new String(records.get(1), java.nio.charset.StandardCharsets.UTF_8)
            .replaceFirst("Content-Length: \\d+", "Content-Length: lots")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path file = tmp.resolve("bad.warc.wet");
    WarcFixtures.writePlain(file, records);
    WarcReader.Result result = WarcReader.read(spark, List.of(file.toString()));
    List<String> urls =
        rows(result).stream().map(r -> (String) r.getAs("url")).collect(Collectors.toList());
    assertEquals(List.of("http://example.net/c", "https://user@example.org:8080/b?q=1"), urls);
    assertEquals(1, result.malformedRecords());
  }

  /**
   * How a record's Content-Length lies, given its true block length and the bytes of the records
   * after it.
   */
  enum Lie {
    TOO_SMALL((n, after) -> String.valueOf(n - 7)),
    TOO_LARGE((n, after) -> String.valueOf(n + 7)),
    /**
     * Swallows every record after it but the last 10 bytes of the file (past the end when it is the
     * last).
     */
    SWALLOWING((n, after) -> String.valueOf(after == 0 ? n + 100 : n + 4 + after - 10)),
    NEGATIVE((n, after) -> "-" + n),
    GARBAGE((n, after) -> "lots"),
    ABSURD((n, after) -> "99999999999999999999999");

    final java.util.function.BiFunction<Long, Long, String> value;

    Lie(java.util.function.BiFunction<Long, Long, String> value) {
      this.value = value;
    }
  }

  /**
   * How a test file is stored: plain, one gzip member per record (Common Crawl), or one member for
   * all.
   */
  enum Storage {
    PLAIN,
    GZIP_PER_RECORD,
    GZIP_WHOLE;

    void write(Path file, List<byte[]> records) throws IOException {
      switch (this) {
        case PLAIN -> WarcFixtures.writePlain(file, records);
        case GZIP_PER_RECORD -> WarcFixtures.writeGzip(file, records);
        case GZIP_WHOLE -> {
          Files.createDirectories(file.getParent());
          Files.write(file, WarcFixtures.gzip(WarcFixtures.concat(records.toArray(new byte[0][]))));
        }
      }
    }
  }

  private static final List<String> THREE_URLS =
      List.of("http://one.example/", "http://two.example/", "http://three.example/");

  private static List<byte[]> threeDocuments() {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < THREE_URLS.size(); i++) {
      records.add(
          WarcFixtures.conversion(
              THREE_URLS.get(i),
              "2019-02-15T19:16:0" + i + "Z",
              "Page " + i,
              body("doc" + i, 6 + i)));
    }
    return records;
  }

  /** {@code records} with record {@code liar}'s Content-Length replaced by {@code lie}'s value. */
  private static List<byte[]> lying(List<byte[]> records, int liar, Lie lie) {
    List<byte[]> out = new ArrayList<>(records);
    long after = 0;
    for (int i = liar + 1; i < records.size(); i++) {
      after += records.get(i).length;
    }
    byte[] r = records.get(liar);
    out.set(
        liar,
        WarcFixtures.withContentLength(r, lie.value.apply(WarcFixtures.contentLength(r), after)));
    return out;
  }

  /** What one file yields read directly (no Spark): urls in file order, and its counts. */
  private record Direct(List<String> urls, FileCounts.Count count) {}

  private static Direct readDirect(Path file, long maxBlockBytes) throws IOException {
    FileCounts counts = new FileCounts();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
    org.apache.hadoop.fs.FileSystem fs =
        org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
    List<String> urls = new ArrayList<>();
    try (WarcFileRecords records =
        new WarcFileRecords(fs, path, "segment", 0, counts, maxBlockBytes)) {
      records.forEachRemaining(r -> urls.add(r.getString(0)));
    }
    return new Direct(urls, counts.value().values().iterator().next());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} on record {1}, {2}")
  @org.junit.jupiter.params.provider.MethodSource("liesEverywhere")
  void aLyingContentLengthCostsOnlyItsOwnRecord(Lie lie, int liar, Storage storage)
      throws IOException {
    Path file =
        tmp.resolve(
            "lie-"
                + lie
                + "-"
                + liar
                + "-"
                + storage
                + ".warc.wet"
                + (storage == Storage.PLAIN ? "" : ".gz"));
    storage.write(file, lying(threeDocuments(), liar, lie));
    Direct read = readDirect(file, WarcFileRecords.MAX_BLOCK_BYTES);
    List<String> expected = new ArrayList<>(THREE_URLS);
    expected.remove(liar);
    assertEquals(expected, read.urls(), "the records around the liar come out, and only they");
    assertEquals(1, read.count().malformed());
    assertEquals(2, read.count().documents());
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> liesEverywhere() {
    List<org.junit.jupiter.params.provider.Arguments> cases = new ArrayList<>();
    for (Lie lie : Lie.values()) {
      for (int liar = 0; liar < 3; liar++) {
        for (Storage storage : Storage.values()) {
          cases.add(org.junit.jupiter.params.provider.Arguments.of(lie, liar, storage));
        }
      }
    }
    return cases.stream();
  }

  @Test
  void honestFilesReadWhole() throws IOException {
    for (Storage storage : Storage.values()) {
      Path file = tmp.resolve("honest-" + storage + ".warc.wet");
      storage.write(file, threeDocuments());
      Direct read = readDirect(file, WarcFileRecords.MAX_BLOCK_BYTES);
      assertEquals(THREE_URLS, read.urls(), storage.toString());
      assertEquals(0, read.count().malformed(), storage.toString());
    }
  }

  @Test
  void aRecordAboveTheCapIsMalformedEvenWhenItsLengthIsTrue() throws IOException {
    List<byte[]> records = new ArrayList<>(threeDocuments());
    records.set(
        1,
        WarcFixtures.conversion(
            THREE_URLS.get(1), "2019-02-15T19:16:01Z", "Page 1", body("long", 20)));
    long middle = WarcFixtures.contentLength(records.get(1));
    long cap =
        Math.max(
            WarcFixtures.contentLength(records.get(0)), WarcFixtures.contentLength(records.get(2)));
    assertTrue(middle > cap, "the middle record is the longest");
    for (Storage storage : Storage.values()) {
      Path file = tmp.resolve("cap-" + storage + ".warc.wet");
      storage.write(file, records);
      Direct read = readDirect(file, cap);
      assertEquals(List.of(THREE_URLS.get(0), THREE_URLS.get(2)), read.urls(), storage.toString());
      assertEquals(1, read.count().malformed(), storage.toString());
    }
  }

  @Test
  void aBlockFollowedByAnythingButTheNextRecordIsMalformed() throws IOException {
    // True lengths, but stray bytes between records 1 and 2: record 1 does not end where a record
    // starts.
    List<byte[]> records = new ArrayList<>(threeDocuments());
    records.set(
        0,
        WarcFixtures.concat(
            records.get(0), "\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    Path file = tmp.resolve("stray.warc.wet");
    WarcFixtures.writePlain(file, records);
    Direct read = readDirect(file, WarcFileRecords.MAX_BLOCK_BYTES);
    assertEquals(THREE_URLS.subList(1, 3), read.urls());
    assertEquals(1, read.count().malformed());
  }

  @Test
  void sparkReadsOnPastEveryLieAndCountsEachOnce() throws IOException {
    // Honest documents between liars: each lie costs its own record, every honest one comes out.
    List<byte[]> records = new ArrayList<>();
    List<String> honest = new ArrayList<>();
    Lie[] lies = Lie.values();
    for (int i = 0; i <= lies.length; i++) {
      String url = "http://honest.example/" + i;
      honest.add(url);
      records.add(
          WarcFixtures.conversion(
              url, "2019-02-15T19:16:00Z", "Honest " + i, body("honest" + i, 6)));
      if (i < lies.length) {
        records.add(
            WarcFixtures.conversion(
                "http://liar.example/" + i,
                "2019-02-15T19:16:00Z",
                "Liar " + i,
                body("liar" + i, 6)));
      }
    }
    for (int i = 0; i < lies.length; i++) {
      // SWALLOWING here swallows what follows up to 10 bytes before the end: resync must find every
      // record.
      records = lying(records, 2 * i + 1, lies[i]);
    }
    for (Storage storage : List.of(Storage.PLAIN, Storage.GZIP_PER_RECORD)) {
      Path file = tmp.resolve("liars-" + storage + ".warc.wet");
      storage.write(file, records);
      WarcReader.Result result = WarcReader.read(spark, List.of(file.toString()));
      List<String> urls =
          rows(result).stream().map(r -> (String) r.getAs("url")).collect(Collectors.toList());
      assertEquals(honest.stream().sorted().collect(Collectors.toList()), urls, storage.toString());
      assertEquals(lies.length, result.malformedRecords(), storage.toString());
      assertEquals(honest.size(), result.documentsRead(), storage.toString());
    }
  }

  @Test
  void expandsGlobsFoldersAndListsOfPaths() throws IOException {
    WarcFixtures.writeGzip(tmp.resolve("crawl/s1/wet/one.warc.wet.gz"), wetRecords().subList(0, 2));
    WarcFixtures.writeGzip(tmp.resolve("crawl/s2/wet/two.warc.wet.gz"), wetRecords().subList(2, 3));
    WarcFixtures.writeGzip(
        tmp.resolve("crawl/s2/wet/_ignored.warc.wet.gz"), wetRecords().subList(4, 5));
    WarcFixtures.writeGzip(tmp.resolve("other/three.warc.wet.gz"), wetRecords().subList(4, 5));

    WarcReader.Result glob =
        WarcReader.read(spark, List.of(tmp.resolve("crawl/*/wet/*.wet.gz").toString()));
    assertEquals(2, glob.files().size());
    assertEquals(2, glob.documents().count());
    assertEquals(2, glob.documents().rdd().getNumPartitions(), "one task per file");

    WarcReader.Result folders =
        WarcReader.read(
            spark,
            List.of(
                tmp.resolve("crawl").toString(),
                tmp.resolve("other/three.warc.wet.gz").toString(),
                tmp.resolve("crawl/s1").toString()));
    assertEquals(
        3, folders.files().size(), "folders recursed, hidden files skipped, repeats read once");
    assertEquals(3, folders.documents().count());

    CorralException missing =
        assertThrows(
            CorralException.class,
            () -> WarcReader.read(spark, List.of(tmp.resolve("nothing/*.gz").toString())));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
  }

  @Test
  void domainIsPythonsNetloc() {
    assertEquals("example.com", WarcFileRecords.domain("http://example.com"));
    assertEquals("a.b:81", WarcFileRecords.domain("https://a.b:81#frag"));
    assertEquals("", WarcFileRecords.domain("mailto:x@y"));
    assertEquals(
        "crawl-data/CC-MAIN-2019-09/x.gz",
        WarcReader.segmentOf("s3a://commoncrawl/crawl-data/CC-MAIN-2019-09/x.gz"));
  }
}
