package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.io.WarcFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety contract every job keeps, tried as a careless user would, through the real {@code
 * corral} entry point: exit code, stderr one line (no stack frames) for user errors, the input's
 * bytes unchanged, unrelated files still there, exact row counts.
 */
class SafetyContractTest {
  static final Path TINY = LlamaCommandTest.TINY;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  // ------------------------------------------------------------------ helpers

  /** {@code n} JSON lines {@code {"id": i, "text": ...}}; the texts are distinct sentences. */
  private Path docs(String name, int n) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          "{\"id\": "
              + i
              + ", \"text\": \"Document number "
              + i
              + " says something about the weather.\"}");
    }
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  /**
   * SHA-256 of every file under {@code root}, by relative path: the bytes a job must not change.
   */
  private static Map<String, String> checksums(Path root) throws Exception {
    Map<String, String> sums = new TreeMap<>();
    if (Files.isRegularFile(root)) {
      sums.put(root.getFileName().toString(), sha256(root));
      return sums;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        sums.put(root.relativize(f).toString(), sha256(f));
      }
    }
    return sums;
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  /**
   * Asserts a user error: the exit code, one line on stderr without stack frames, containing {@code
   * text}.
   */
  private static void assertUserError(CommandLineTest.Result r, int code, String... texts) {
    assertEquals(code, r.code(), r.err());
    // A slow run prints progress lines ("corral dedup: 11 rows read ...") before it fails; the
    // error
    // itself must be one line.
    String err =
        r.err()
            .lines()
            .filter(line -> !line.matches("corral [a-z-]+( \\[.*\\])?: [0-9,]+ rows read .*"))
            .collect(java.util.stream.Collectors.joining("\n"))
            .strip();
    assertFalse(err.contains("\n"), "one line expected:\n" + err);
    assertFalse(err.contains("\tat "), err);
    for (String text : texts) {
      assertTrue(err.contains(text), err);
    }
  }

  private static CommandLineTest.Result corral(String... args) {
    return CommandLineTest.run(new byte[0], args);
  }

  private static Dataset<Row> delta(Path path) {
    return SparkSession.active().read().format("delta").load(path.toString());
  }

  private static JsonNode record(Path output, String job) throws IOException {
    return JSON.readTree(output.resolve("_corral/" + job + ".json").toFile());
  }

  /** Hidden staging and old-output folders a job left beside its output. */
  private static List<String> leftovers(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".corral-"))
          .toList();
    }
  }

  // ------------------------------------------------------------------ never write where you read

  @Test
  void anOutputThatIsTheInputIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path input = docs("in/docs.jsonl", 5);
    Map<String, String> before = checksums(tmp.resolve("in"));
    for (String format : List.of("json", "parquet", "delta")) {
      CommandLineTest.Result r =
          CommandLineTest.cli("langid --input %s --output %s --format %s", input, input, format);
      assertUserError(r, 2, "--output " + input, "--input " + input, "never writes where it reads");
    }
    // the folder holding the input, a folder inside it, and the input folder itself
    CommandLineTest.Result around =
        CommandLineTest.cli(
            "dedup --input %s --output %s --format parquet", input, tmp.resolve("in"));
    assertUserError(around, 2, "contains --input");
    CommandLineTest.Result inside =
        CommandLineTest.cli(
            "dedup --input %s --output %s --format json", tmp.resolve("in"), tmp.resolve("in/out"));
    assertUserError(inside, 2, "is inside --input");
    CommandLineTest.Result glob =
        CommandLineTest.cli(
            "langid --input %s --output %s", tmp.resolve("in") + "/*.jsonl", tmp.resolve("in"));
    assertUserError(glob, 2, "contains --input");
    assertEquals(before, checksums(tmp.resolve("in")));
  }

  @Test
  void paramErrorsAreFoundBeforeSparkStarts() throws Exception {
    Path input = docs("docs.jsonl", 5);
    TestSpark.stopActive();
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "dedup --input %s --output %s --threshold 1.5", input, tmp.resolve("o"));
    assertUserError(r, 2, "--threshold", "1.5");
    CommandLineTest.Result integer =
        CommandLineTest.cli("langid --input %s --output %s --top-k 2.7", input, tmp.resolve("o"));
    assertUserError(integer, 2, "--top-k", "2.7", "whole number");
    CommandLineTest.Result notForMethod =
        CommandLineTest.cli(
            "dedup --method exact --num-perm 64 --input %s --output %s", input, tmp.resolve("o"));
    assertUserError(notForMethod, 2, "--num-perm", "does not apply");
    Path yaml = tmp.resolve("p.yaml");
    Files.writeString(yaml, "stages:\n  - stage: LanguageIdentifier\n    params: {topK: 2.7}\n");
    CommandLineTest.Result fromYaml =
        CommandLineTest.cli(
            "curate --config %s --input %s --output %s", yaml, input, tmp.resolve("o"));
    assertUserError(fromYaml, 2, "p.yaml: stages[0]", "topK", "whole number");
    assertTrue(SparkSession.getDefaultSession().isEmpty(), "Spark started before the checks");
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  // ------------------------------------------------------------------ atomic, idempotent outputs

  @Test
  void aForeignFolderIsRefusedAndOverwriteReplacesOnlyCorralsOwnFiles() throws Exception {
    Path input = docs("docs.jsonl", 7);
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("notes.txt"), "mine, not Corral's");
    Files.writeString(out.resolve(".hidden"), "also mine");
    CommandLineTest.Result refused =
        CommandLineTest.cli("langid --input %s --output %s --format parquet", input, out);
    assertUserError(refused, 2, "holds 2 entries Corral did not write", "--overwrite");

    for (int run = 0; run < 2; run++) {
      CommandLineTest.Result ok =
          CommandLineTest.cli(
              "langid --input %s --output %s --format parquet --overwrite", input, out);
      assertEquals(0, ok.code(), ok.err());
      assertEquals("mine, not Corral's", Files.readString(out.resolve("notes.txt")));
      assertEquals("also mine", Files.readString(out.resolve(".hidden")));
      assertEquals(7, SparkSession.active().read().parquet(out + "/*.parquet").count());
    }
    // a format change replaces Corral's parquet files, still leaving the user's
    CommandLineTest.Result json =
        CommandLineTest.cli("langid --input %s --output %s --format json --overwrite", input, out);
    assertEquals(0, json.code(), json.err());
    try (Stream<Path> files = Files.list(out)) {
      assertTrue(files.noneMatch(f -> f.toString().endsWith(".parquet")));
    }
    assertEquals(7, SparkSession.active().read().json(out + "/*.json").count());
    assertTrue(Files.exists(out.resolve("notes.txt")));
    assertEquals(List.of(), leftovers(tmp));
  }

  @Test
  void aRerunReplacesItsOwnOutputAndAFailedRunLeavesTheOldOneWhole() throws Exception {
    Path input = docs("docs.jsonl", 9);
    Path out = tmp.resolve("out");
    for (int run = 0; run < 2; run++) {
      CommandLineTest.Result r = CommandLineTest.cli("langid --input %s --output %s", input, out);
      assertEquals(0, r.code(), r.err());
      assertEquals(9, delta(out).count());
    }
    Map<String, String> committed = checksums(out);
    // a run that fails in its tasks (a model file that is not one) changes nothing and leaves
    // nothing behind
    Path garbage = tmp.resolve("garbage.bin");
    Files.writeString(garbage, "not a fastText model");
    CommandLineTest.Result failed =
        CommandLineTest.cli("langid --input %s --output %s --model %s", input, out, garbage);
    assertUserError(failed, 1, garbage.toString(), "not a valid fastText model");
    assertEquals(committed, checksums(out));
    assertEquals(List.of(), leftovers(tmp));
  }

  @Test
  void aPipelineWithoutFiltersAndAnEmptyResultBothWriteTheirTable() throws Exception {
    Path input = docs("docs.jsonl", 4);
    Path yaml = tmp.resolve("p.yaml");
    Files.writeString(yaml, "stages:\n  - stage: TokenCounter\n");
    Path out = tmp.resolve("counted");
    CommandLineTest.Result r =
        CommandLineTest.cli("curate --config %s --input %s --output %s", yaml, input, out);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.outText().contains("4 documents (no stage sets drop_reason)"), r.outText());
    assertEquals(4, delta(out).count());

    // CCNet's min_len drops every page: the table is empty but has every column, and the report
    // says 0
    List<byte[]> records = new ArrayList<>(List.of(WarcFixtures.warcinfo("short.warc.wet.gz")));
    for (int i = 0; i < 3; i++) {
      records.add(
          WarcFixtures.conversion(
              "http://example.org/" + i,
              "2019-02-15T19:15:59Z",
              "Page " + i,
              "A page too short for CCNet."));
    }
    Path wet = tmp.resolve("wet/short.warc.wet.gz");
    Files.createDirectories(wet.getParent());
    WarcFixtures.writeGzip(wet, records);
    for (String format : List.of("delta", "parquet", "json")) {
      Path none = tmp.resolve("none-" + format);
      CommandLineTest.Result e =
          CommandLineTest.cli("ccnet --input %s --output %s --format %s", wet, none, format);
      assertEquals(0, e.code(), e.err());
      Dataset<Row> table =
          format.equals("delta")
              ? delta(none)
              : SparkSession.active()
                  .read()
                  .schema(delta(tmp.resolve("none-delta")).schema())
                  .format(format)
                  .load(none.toString());
      assertEquals(0, table.count());
      assertTrue(
          List.of(table.columns())
              .containsAll(List.of("url", "raw_content", "language", "bucket")));
      JsonNode record = record(none, "ccnet");
      assertEquals(0, record.path("stats").path("documents").asLong());
      assertEquals(3, record.path("stats").path("documents_shorter_than_min_len").asLong());
    }
    assertEquals(
        List.of("url", "raw_content"),
        List.of(delta(tmp.resolve("none-delta")).select("url", "raw_content").columns()));
  }

  @Test
  void severalInputsAreOneTableAndMixedFormatsAreRefused() throws Exception {
    Path a = docs("a/docs.jsonl", 3);
    Path b = docs("b/docs.jsonl", 4);
    Path out = tmp.resolve("both");
    CommandLineTest.Result r = CommandLineTest.cli("langid --input %s,%s --output %s", a, b, out);
    assertEquals(0, r.code(), r.err());
    assertEquals(7, delta(out).count());
    assertEquals(2, record(out, "langid").path("inputs").size());
    CommandLineTest.Result mixed =
        CommandLineTest.cli("langid --input %s,%s --output %s", a, out, tmp.resolve("mixed"));
    assertUserError(mixed, 2, "--input " + out, "is delta but", "is json");
  }

  // ------------------------------------------------------------------ no silent row damage

  @Test
  void malformedJsonLinesFailTheJobOrAreSkippedAndCountedNeverNullRows() throws Exception {
    Path input = tmp.resolve("in/mixed.jsonl");
    Files.createDirectories(input.getParent());
    byte[] bad =
        "{\"id\": 3, \"text\": \"caf\u00e9 \u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1);
    try (var o = Files.newOutputStream(input)) {
      o.write("{\"id\": 1, \"text\": \"first good line\"}\n".getBytes(StandardCharsets.UTF_8));
      o.write("this is not json\n".getBytes(StandardCharsets.UTF_8));
      o.write(bad); // Latin-1 bytes: invalid UTF-8
      o.write("{\"id\": 4, \"text\": \"last good line\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    Map<String, String> before = checksums(input.getParent());
    CommandLineTest.Result failed =
        CommandLineTest.cli("langid --input %s --output %s", input, tmp.resolve("out"));
    assertUserError(
        failed, 1, "2 malformed rows", "mixed.jsonl:2", "mixed.jsonl:3", "--bad-rows skip");
    assertFalse(Files.exists(tmp.resolve("out")));

    Path out = tmp.resolve("out");
    CommandLineTest.Result skipped =
        CommandLineTest.cli("langid --input %s --output %s --bad-rows skip", input, out);
    assertEquals(0, skipped.code(), skipped.err());
    Dataset<Row> rows = delta(out);
    assertEquals(2, rows.count());
    assertEquals(0, rows.where("id IS NULL OR text IS NULL").count());
    assertEquals(
        2, SparkSession.active().read().json(out.resolve("_corral/bad-rows").toString()).count());
    JsonNode record = record(out, "langid");
    assertEquals(2, record.path("bad_rows").path("count").asLong());
    assertEquals(2, record.path("bad_rows").path("per_file").elements().next().asLong());
    assertEquals(before, checksums(input.getParent()));
  }

  @Test
  void aFileThatIsNotWhatItsNameSaysIsNamedInOneLine() throws Exception {
    Path input = tmp.resolve("in-gz");
    Files.createDirectories(input);
    Files.writeString(input.resolve("a.jsonl"), "{\"id\": 1, \"text\": \"a good line\"}\n");
    Files.writeString(input.resolve("b.jsonl.gz"), "{\"id\": 2, \"text\": \"not gzipped\"}\n");
    CommandLineTest.Result r =
        CommandLineTest.cli("langid --input %s --output %s", input, tmp.resolve("out-gz"));
    assertUserError(r, 1, "b.jsonl.gz: cannot read: ", "gzip");
    assertFalse(Files.exists(tmp.resolve("out-gz")));
  }

  // ------------------------------------------------------------------ ids

  @Test
  void duplicateIdsAreNamedAndMissingIdsAreDerivedStably() throws Exception {
    Path input = tmp.resolve("dup.jsonl");
    Files.write(
        input,
        List.of(
            "{\"id\": 1, \"text\": \"alpha beta gamma delta epsilon zeta eta theta\"}",
            "{\"id\": 2, \"text\": \"alpha beta gamma delta epsilon zeta eta theta\"}",
            "{\"id\": 2, \"text\": \"one two three four five six seven eight nine\"}",
            "{\"id\": 3, \"text\": \"red orange yellow green blue indigo violet\"}",
            "{\"id\": 4, \"text\": \"red orange yellow green blue indigo violet\"}"),
        StandardCharsets.UTF_8);
    CommandLineTest.Result r =
        CommandLineTest.cli("dedup --method exact --input %s --output %s", input, tmp.resolve("d"));
    assertUserError(r, 1, "column 'id' must be unique", "'2' (2 rows)");
    assertFalse(Files.exists(tmp.resolve("d")));

    Path noIds = tmp.resolve("noids.jsonl");
    Files.write(
        noIds,
        List.of("{\"text\": \"same text\"}", "{\"text\": \"same text\"}", "{\"text\": \"other\"}"),
        StandardCharsets.UTF_8);
    List<List<String>> ids = new ArrayList<>();
    for (String out : List.of("e1", "e2")) {
      CommandLineTest.Result ok =
          CommandLineTest.cli(
              "dedup --method exact --input %s --output %s", noIds, tmp.resolve(out));
      assertEquals(0, ok.code(), ok.err());
      Dataset<Row> rows = delta(tmp.resolve(out));
      assertEquals(3, rows.count());
      assertEquals(1, rows.where("drop_reason = 'exact_duplicate'").count());
      ids.add(
          rows.orderBy("id")
              .select("id")
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList());
    }
    assertEquals(ids.get(0), ids.get(1));
    assertEquals(3, ids.get(0).stream().distinct().count());
  }

  // ------------------------------------------------------------------ resume keys include the
  // input

  @Test
  void aScoringRerunAfterTheInputChangedStartsAfreshAndSaysSo() throws Exception {
    Path input = docs("in/texts.jsonl", 6);
    Path out = tmp.resolve("scored");
    String[] score = {
      "score",
      "--model",
      TINY.toString(),
      "--input",
      input.toString(),
      "--output",
      out.toString(),
      "--partitions-per-commit",
      "1",
      "--progress-seconds",
      "0"
    };
    assertEquals(0, corral(score).code());
    assertEquals(6, delta(out).count());
    CommandLineTest.Result same = corral(score);
    assertEquals(0, same.code(), same.err());
    assertTrue(same.err().contains("is already written by this run"), same.err());

    Files.writeString(
        input,
        "{\"id\": 6, \"text\": \"A row added in place.\"}\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    CommandLineTest.Result changed = corral(score);
    assertEquals(0, changed.code(), changed.err());
    assertTrue(
        changed.err().contains("texts.jsonl changed") && changed.err().contains("running again"),
        changed.err());
    assertEquals(7, delta(out).count());
    assertEquals(1, delta(out).where("id = 6").count());

    // killed after its chunks were committed to staging, before the output's commit: the rerun
    // resumes
    String runId = record(out, "score").path("run_id").asText();
    Path staging = tmp.resolve(".corral-staging-scored-" + runId);
    Files.move(out, staging);
    CommandLineTest.Result resumed = corral(score);
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resuming the run that was stopped"), resumed.err());
    JsonNode record = record(out, "score");
    assertEquals(
        record.path("stats").path("commits").asLong(),
        record.path("stats").path("commits_resumed").asLong());
    assertEquals(7, delta(out).count());
    assertEquals(List.of(), leftovers(tmp));
  }

  // ------------------------------------------------------------------ WET records that lie

  @Test
  void aWetRecordWhoseLengthIsTooSmallCostsOnlyItself() throws Exception {
    String page = "A page of the crawl with enough text to pass CCNet's minimum length. ".repeat(6);
    List<byte[]> records = new ArrayList<>(List.of(WarcFixtures.warcinfo("lies.warc.wet")));
    for (int i = 0; i < 3; i++) {
      records.add(
          WarcFixtures.conversion(
              "http://example.org/" + i, "2019-02-15T19:15:59Z", "Page " + i, i + " " + page));
    }
    byte[] middle = records.get(2);
    records.set(
        2,
        WarcFixtures.withContentLength(
            middle, String.valueOf(WarcFixtures.contentLength(middle) - 40)));
    Path wet = tmp.resolve("wet/lies.warc.wet");
    Files.createDirectories(wet.getParent());
    WarcFixtures.writePlain(wet, records);
    Map<String, String> before = checksums(wet.getParent());
    Path out = tmp.resolve("ccnet");
    CommandLineTest.Result r = CommandLineTest.cli("ccnet --input %s --output %s", wet, out);
    assertEquals(0, r.code(), r.err());
    List<String> urls =
        delta(out)
            .orderBy("url")
            .select("url")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertEquals(List.of("http://example.org/0", "http://example.org/2"), urls);
    assertEquals(1, record(out, "ccnet").path("stats").path("malformed_records").asLong());
    assertEquals(before, checksums(wet.getParent()));
  }

  // ------------------------------------------------------------------ files that are not what they
  // claim

  @Test
  void contradictoryOrImpossibleConfigurationsAreNamed() throws Exception {
    Path input = docs("docs.jsonl", 3);
    Path yaml = tmp.resolve("gopher.yaml");
    Files.writeString(
        yaml,
        "stages:\n  - stage: GopherQualityFilter\n    params: {minDocWords: 100, maxDocWords: 50}\n");
    assertUserError(
        CommandLineTest.cli(
            "curate --config %s --input %s --output %s", yaml, input, tmp.resolve("o")),
        2,
        "minDocWords 100 > maxDocWords 50");

    Path arpa = tmp.resolve("bad.arpa");
    Files.writeString(
        arpa,
        String.join(
            "\n",
            "",
            "\\data\\",
            "ngram 1=3",
            "",
            "\\1-grams:",
            "-1.0\t<s>",
            "0.7\t</s>",
            "-0.4\thello",
            "",
            "\\end\\",
            ""));
    Path text = tmp.resolve("text.txt");
    Files.writeString(text, "hello\n");
    assertUserError(
        CommandLineTest.cli(
            "local lm perplexity --model %s --input %s --tokenizer whitespace", arpa, text),
        1,
        arpa + ":7",
        "above 0");
    Path lmDir = Files.createDirectories(tmp.resolve("lm"));
    Files.copy(arpa, lmDir.resolve("en.arpa"));
    assertUserError(
        CommandLineTest.cli(
            "ccnet --input %s --output %s --lm-dir %s", text, tmp.resolve("c"), lmDir),
        1,
        lmDir.resolve("en.arpa") + ":7",
        "above 0");
    assertFalse(Files.exists(tmp.resolve("c")));

    Path mixture = tmp.resolve("mix.yaml");
    Files.writeString(
        mixture,
        String.join(
            "\n",
            "budget_tokens: 1000",
            "sources:",
            "  - {name: web, path: '" + input + "', proportion: 0.5, epochs: 1}",
            "  - {name: web, path: '" + input + "', proportion: 0.5, epochs: 1}",
            ""));
    assertUserError(
        CommandLineTest.cli("mixture --config %s --output %s", mixture, tmp.resolve("m")),
        2,
        "'web' is already the name of sources[0]");
    assertFalse(Files.exists(tmp.resolve("m")));
  }

  // ------------------------------------------------------------------ errors

  @Test
  void engineAndColumnErrorsAreOneLineAndVerboseAddsTheTrace() throws Exception {
    Path input = docs("docs.jsonl", 3);
    Path notAModel = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(
        notAModel.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": -4}");
    CommandLineTest.Result llama =
        CommandLineTest.cli(
            "score --model %s --input %s --output %s --progress-seconds 0",
            notAModel, input, tmp.resolve("s"));
    assertUserError(llama, 1, notAModel.toString());
    CommandLineTest.Result column =
        CommandLineTest.cli(
            "langid --input %s --output %s --text-column body", input, tmp.resolve("l"));
    assertUserError(column, 1, "column 'body' does not exist");
    CommandLineTest.Result verbose =
        CommandLineTest.cli(
            "langid --input %s --output %s --text-column body --verbose", input, tmp.resolve("l"));
    assertEquals(1, verbose.code());
    assertTrue(verbose.err().contains("\tat "), verbose.err());
    CommandLineTest.Result flag = CommandLineTest.cli("langid --input %s --outptu x", input);
    assertUserError(
        flag, 2, "corral langid: Unknown options: '--outptu'", "(see corral langid --help)");
    for (String command :
        List.of("dedup", "langid", "ccnet", "score", "curate", "quality train", "mixture")) {
      CommandLineTest.Result help = corral((command + " --help").split(" "));
      assertEquals(0, help.code(), command);
      assertEquals("", help.err(), command);
    }
  }
}
