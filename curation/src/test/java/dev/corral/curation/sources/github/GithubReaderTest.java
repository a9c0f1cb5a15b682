package dev.corral.curation.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the export: malformed records are skipped and counted with {@code file:line (byte
 * offset)} without costing a neighbour, a cut gzip keeps what precedes the cut, and a Parquet table
 * of the same files reads as the JSON does.
 */
class GithubReaderTest {
  static SparkSession spark;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("GithubReaderTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  static String record(String repo, String path, String content) {
    return "{\"id\":\"x\",\"content\":"
        + quote(content)
        + ",\"repo_name\":\""
        + repo
        + "\",\"ref\":\"refs/heads/main\",\"path\":\""
        + path
        + "\",\"license\":\"mit\",\"language\":[{\"name\":\"C\",\"bytes\":\"12\"}],\"size\":NaN}";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  static void gzip(Path file, byte[] bytes) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes);
    }
  }

  @Test
  void malformedRecordsAreSkippedAndCountedWithTheirPlace() throws Exception {
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    lines.writeBytes(
        (record("a/b", "src/one.c", "/* Copyright x */int one;") + "\n")
            .getBytes(StandardCharsets.UTF_8));
    lines.writeBytes("not json at all\n".getBytes(StandardCharsets.UTF_8));
    lines.writeBytes("\n".getBytes(StandardCharsets.UTF_8)); // blank: not a record
    lines.writeBytes(new byte[] {'{', '"', 'c', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'});
    lines.writeBytes(
        "{\"content\":\"\\ud800\",\"repo_name\":\"a/b\",\"path\":\"s.c\"}\n"
            .getBytes(StandardCharsets.UTF_8));
    lines.writeBytes(
        "{\"content\":\"x\",\"repo_name\":\"a/b\"}\n".getBytes(StandardCharsets.UTF_8));
    lines.writeBytes("[1,2]\n".getBytes(StandardCharsets.UTF_8));
    lines.writeBytes(
        (record("a/b", "src/two.py", "# header\nprint(2)") + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
    Path good = tmp.resolve("in/github_000000000000.gz");
    Files.createDirectories(good.getParent());
    gzip(good, lines.toByteArray());
    // A second file whose gzip is cut in its last record: the records before the cut stay.
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    for (int i = 0; i < 200; i++) {
      second.writeBytes(
          (record("c/d", "f" + i + ".go", "package f" + i + "\n".repeat(i % 3)) + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    Path cut = tmp.resolve("in/github_000000000001.gz");
    gzip(cut, second.toByteArray());
    byte[] whole = Files.readAllBytes(cut);
    Files.write(cut, Arrays.copyOf(whole, whole.length - 40));

    GithubReader.Result read =
        GithubReader.read(
            spark, List.of(tmp.resolve("in").toString()), GithubReader.Options.paper());
    List<Row> rows = read.documents().orderBy("id").collectAsList();
    assertEquals(
        List.of("github/a/b/src/one.c", "github/a/b/src/two.py"),
        rows.stream().map(r -> r.getString(0)).toList().subList(0, 2));
    assertEquals("int one;", rows.get(0).getString(1));
    assertEquals("print(2)", rows.get(1).getString(1));
    assertEquals("https://github.com/a/b/blob/main/src/one.c", rows.get(0).getString(3));
    assertEquals("C", rows.get(0).getString(5));
    assertEquals("Python", rows.get(1).getString(5));
    assertNull(rows.get(0).get(4)); // no title
    long fromCut = rows.stream().filter(r -> r.getString(0).startsWith("github/c/d/")).count();
    assertTrue(fromCut > 150 && fromCut < 200, "" + fromCut);
    assertEquals(
        5, read.malformedByFile().get(good.toUri().toString().replace("file:///", "file:/")));
    assertEquals(6, read.malformed(), read.summary());
    assertEquals(7 + fromCut + 1, read.records(), read.summary()); // blank lines are no records
    List<String> first = read.firstMalformed();
    long offset = lines.toString(StandardCharsets.UTF_8).indexOf("not json");
    assertTrue(
        first
            .get(0)
            .endsWith(
                ":2 (byte "
                    + offset
                    + "): invalid JSON: Unrecognized token 'not':"
                    + " was expecting (JSON String, Number (or 'NaN'/'INF'/'+INF'), Array,"
                    + " Object or token 'null', 'true' or 'false')"),
        first.get(0));
    assertTrue(
        first.get(1).contains(":4 (byte ") && first.get(1).contains("Invalid UTF-8"), first.get(1));
    assertTrue(
        first.get(2).contains(":5 (") && first.get(2).contains("lone surrogate"), first.get(2));
    assertTrue(
        first.get(3).contains(":6 (") && first.get(3).contains("no string path"), first.get(3));
    assertTrue(
        first.get(4).contains(":7 (") && first.get(4).contains("not a JSON object"), first.get(4));
  }

  @Test
  void aFileThatIsNotGzipIsCountedAndTheOtherFilesAreRead() throws Exception {
    Path dir = tmp.resolve("mixed");
    Files.createDirectories(dir);
    gzip(
        dir.resolve("github_000000000000.gz"),
        (record("a/b", "one.c", "int one;") + "\n").getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("github_000000000001.gz"), "{\"content\": \"plain text\"}\n");
    Files.write(dir.resolve("github_000000000002.gz"), new byte[0]);

    GithubReader.Result read =
        GithubReader.read(spark, List.of(dir.toString()), GithubReader.Options.paper());
    assertEquals(
        List.of("github/a/b/one.c"),
        read.documents().collectAsList().stream().map(r -> r.getString(0)).toList());
    assertEquals(2, read.malformed(), read.summary());
    assertEquals(3, read.records(), read.summary());
    assertTrue(
        read.firstMalformed().stream().allMatch(m -> m.contains(":1 (byte 0): not a gzip file")),
        read.firstMalformed().toString());
  }

  @Test
  void aParquetTableReadsAsTheJsonDoes() throws Exception {
    Path json = tmp.resolve("github_000000000000.gz");
    gzip(
        json,
        String.join(
                "\n",
                record("a/b", "x.c", "/* Copyright */\nint x;"),
                record("a/b", "LICENSE", "MIT"),
                record("e/f", "dir with space/y.py", "#!/bin/python\n# c\nprint(1)"))
            .getBytes(StandardCharsets.UTF_8));
    Dataset<Row> fromJson =
        GithubReader.read(spark, List.of(json.toString()), GithubReader.Options.paper())
            .documents();
    spark
        .read()
        .json(
            spark.createDataset(
                Arrays.asList(
                    record("a/b", "x.c", "/* Copyright */\nint x;"),
                    record("a/b", "LICENSE", "MIT"),
                    record("e/f", "dir with space/y.py", "#!/bin/python\n# c\nprint(1)")),
                org.apache.spark.sql.Encoders.STRING()))
        .drop("size")
        .write()
        .parquet(tmp.resolve("table").toString());
    GithubReader.Result fromTable =
        GithubReader.read(
            spark, List.of(tmp.resolve("table").toString()), GithubReader.Options.paper());
    assertEquals(1, fromTable.tables().size());
    assertEquals(
        fromJson.orderBy("id").collectAsList(),
        fromTable.documents().orderBy("id").collectAsList());
    assertEquals(
        "https://github.com/e/f/blob/main/dir%20with%20space/y.py",
        fromJson.orderBy("id").collectAsList().get(2).getString(3));
  }

  @Test
  void aPathThatMatchesNothingFailsInOneLine() {
    CorralException e =
        assertThrows(
            CorralException.class,
            () ->
                GithubReader.read(
                    spark,
                    List.of(tmp.resolve("nothing*.gz").toString()),
                    GithubReader.Options.paper()));
    assertTrue(
        e.getMessage().contains("nothing*.gz") && !e.getMessage().contains("\n"), e.getMessage());
  }
}
