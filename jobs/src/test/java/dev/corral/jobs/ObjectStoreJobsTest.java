package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.io.WarcFixtures;
import dev.corral.curation.lm.CcnetNormalizer;
import dev.corral.curation.lm.NgramTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs on {@code s3a://}, through the real {@code corral} entry point, against S3Proxy (a real
 * S3 API server) on 127.0.0.1: WET files, JSON lines and a model read from a bucket, Delta written
 * to it, the output's safety contract (staged, committed by a rename that S3A performs as a copy,
 * foreign files refused) and a scoring run stopped half way and resumed from the bucket.
 */
class ObjectStoreJobsTest {
  static final String BUCKET = "corral";

  /**
   * Buckets that only one check touches first, before Spark starts: Hadoop caches a file system per
   * bucket, so a check made with the wrong settings would fail here rather than hide behind a
   * cached one.
   */
  static final String MODELS = "models";

  static final String TEXTS = "texts";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path serverRoot;
  @TempDir Path tmp;

  static S3ProxyServer server;
  static FileSystem s3;

  @BeforeAll
  static void startServer() throws IOException {
    TestSpark.stopActive();
    server = S3ProxyServer.start(serverRoot, List.of(BUCKET, MODELS, TEXTS));
    // spark-submit passes --conf settings as system properties: the job and its checks see them so.
    server.sparkConf().forEach(System::setProperty);
    s3 = server.fileSystem(BUCKET);
  }

  @AfterAll
  static void stopServer() throws IOException {
    TestSpark.stopActive();
    if (server != null) {
      server.sparkConf().keySet().forEach(System::clearProperty);
    }
    FileSystem.closeAll(); // S3A instances cached for this server's port
    if (s3 != null) {
      s3.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void stopSpark() {
    System.clearProperty("spark.extraListeners");
    System.clearProperty("spark.sql.files.maxPartitionBytes");
    TestSpark.stopActive();
  }

  // ------------------------------------------------------------------ helpers

  private static String s3a(String key) {
    return "s3a://" + BUCKET + "/" + key;
  }

  /** Copies a local file or folder to {@code key} in the bucket. */
  private static void upload(Path local, String key) throws IOException {
    upload(local, BUCKET, key);
  }

  /** Copies a local file or folder to {@code key} in {@code bucket}. */
  private static void upload(Path local, String bucket, String key) throws IOException {
    try (FileSystem fs = server.fileSystem(bucket)) {
      fs.copyFromLocalFile(
          false,
          true,
          new org.apache.hadoop.fs.Path(local.toUri()),
          new org.apache.hadoop.fs.Path("s3a://" + bucket + "/" + key));
    }
  }

  private static Dataset<Row> delta(String path) {
    return SparkSession.active().read().format("delta").load(path);
  }

  private static JsonNode record(String output, String job) throws IOException {
    try (InputStream in =
        s3.open(new org.apache.hadoop.fs.Path(output + "/_corral/" + job + ".json"))) {
      return JSON.readTree(in);
    }
  }

  /** Names at the bucket's top level that Corral keeps hidden while it works (staging, old). */
  private static List<String> leftovers() throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus f : s3.listStatus(new org.apache.hadoop.fs.Path(s3a("")))) {
      if (f.getPath().getName().startsWith(".corral-")) {
        names.add(f.getPath().getName());
      }
    }
    return names;
  }

  /** Two WET files of UDHR paragraphs (Dutch, Swedish) with a boilerplate line on every page. */
  private Path wetFolder() throws IOException {
    List<String[]> udhr = new ArrayList<>();
    for (String line : Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8)) {
      udhr.add(line.split("\t"));
    }
    // Under crawl-data/, as CommonCrawl lays them out: cc_segment is the path from there on, the
    // same
    // locally and in the bucket.
    Path wet = Files.createDirectories(tmp.resolve("crawl-data/CC-MAIN-2019-09/wet"));
    int part = 0;
    for (String language : List.of("nl", "sv")) {
      List<String> texts = udhr.stream().filter(f -> f[1].equals(language)).map(f -> f[2]).toList();
      String name = "part-" + part++ + ".warc.wet.gz";
      List<byte[]> records = new ArrayList<>(List.of(WarcFixtures.warcinfo(name)));
      for (int i = 0; i + 2 < texts.size(); i += 3) {
        records.add(
            WarcFixtures.conversion(
                "http://" + language + ".example.org/" + i,
                "2019-02-15T19:15:59Z",
                "Page " + i,
                String.join(
                    "\n",
                    "Home | About us | Contact | Privacy",
                    texts.get(i),
                    texts.get(i + 1),
                    texts.get(i + 2))));
      }
      WarcFixtures.writeGzip(wet.resolve(name), records);
    }
    return wet;
  }

  /** A Dutch 3-gram model in {@code dir}/nl.arpa, as CCNet's perplexity stage reads it. */
  private Path lmFolder() throws IOException {
    List<String> dutch = new ArrayList<>();
    for (String line : Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f[1].equals("nl")) {
        dutch.add(CcnetNormalizer.normalize(f[2]));
      }
    }
    Path dir = Files.createDirectories(tmp.resolve("lm"));
    new NgramTrainer(3).train(dutch, dir.resolve("nl.arpa"));
    return dir;
  }

  // ------------------------------------------------------------------ curation on a bucket

  @Test
  void ccnetReadsWetFromABucketAndWritesTheSameDeltaTableAsOnLocalFiles() throws Exception {
    Path wet = wetFolder();
    Path lm = lmFolder();
    upload(wet, "crawl-data/CC-MAIN-2019-09/wet");
    upload(lm, MODELS, "lm");
    String args = "ccnet --input %s --output %s --lm-dir %s --tokenizer whitespace";

    Path localOut = tmp.resolve("ccnet");
    CommandLineTest.Result local = CommandLineTest.cli(args, wet, localOut, lm);
    assertEquals(0, local.code(), local.err());
    List<Row> expected = delta(localOut.toString()).orderBy("url").collectAsList();

    String out = s3a("ccnet");
    CommandLineTest.Result r =
        CommandLineTest.cli(args, s3a("crawl-data/CC-MAIN-2019-09/wet"), out, "s3a://models/lm");
    assertEquals(0, r.code(), r.err() + server.log());
    Dataset<Row> written = delta(out);
    assertEquals(expected, written.orderBy("url").collectAsList());
    assertTrue(written.filter("raw_content like '%About us%'").isEmpty(), "deduplicated lines");
    assertEquals(3, written.filter("language = 'nl'").select("bucket").distinct().count());
    JsonNode rec = record(out, "ccnet");
    assertEquals("complete", rec.path("status").asText());
    assertEquals(
        s3a("crawl-data/CC-MAIN-2019-09/wet"), rec.path("inputs").get(0).path("path").asText());
    assertEquals(List.of(), leftovers());

    // A rerun replaces Corral's own output (the old folder renamed aside, i.e. copied, then
    // deleted).
    CommandLineTest.Result again =
        CommandLineTest.cli(args, s3a("crawl-data/CC-MAIN-2019-09/wet"), out, "s3a://models/lm");
    assertEquals(0, again.code(), again.err());
    assertEquals(expected.size(), delta(out).count());
    assertNotEquals(rec.path("run_id").asText(), record(out, "ccnet").path("run_id").asText());
    assertEquals(List.of(), leftovers());

    // Someone else's file in the output: refused before Spark starts, the file left alone.
    org.apache.hadoop.fs.Path notes = new org.apache.hadoop.fs.Path(out + "/notes.txt");
    try (OutputStream o = s3.create(notes)) {
      o.write("mine".getBytes(StandardCharsets.UTF_8));
    }
    CommandLineTest.Result refused =
        CommandLineTest.cli(args, s3a("crawl-data/CC-MAIN-2019-09/wet"), out, "s3a://models/lm");
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("notes.txt"), refused.err());
    assertTrue(s3.exists(notes));
    assertEquals(expected.size(), delta(out).count());

    // Never where it reads: an output inside an input on the bucket is refused too.
    CommandLineTest.Result inside =
        CommandLineTest.cli(
            args, s3a("crawl-data"), s3a("crawl-data/CC-MAIN-2019-09/out"), "s3a://models/lm");
    assertEquals(2, inside.code(), inside.err());
    assertTrue(inside.err().contains("is inside"), inside.err());
  }

  @Test
  void langidReadsJsonLinesFromABucketAndWritesDeltaThere() throws Exception {
    List<String> lines = new ArrayList<>();
    List<String> tsv = Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8);
    for (int i = 0; i < 40; i++) {
      String[] f = tsv.get(i * (tsv.size() / 40)).split("\t");
      lines.add(JSON.writeValueAsString(Map.of("id", i, "text", f[2], "expected", f[1])));
    }
    lines.add("{\"id\": 40, \"text\": ");
    Path input = tmp.resolve("docs.jsonl");
    Files.write(input, lines, StandardCharsets.UTF_8);
    upload(input, "docs/docs.jsonl");

    String out = s3a("langid");
    CommandLineTest.Result r =
        CommandLineTest.cli("langid --input %s --output %s --bad-rows skip", s3a("docs"), out);
    assertEquals(0, r.code(), r.err());
    Dataset<Row> written = delta(out);
    assertEquals(40, written.count());
    // Every row got a language; the sampled paragraphs in languages lid.176 knows well got theirs.
    assertEquals(0, written.filter("language is null").count());
    List<Row> known = written.filter("expected in ('zh', 'kk', 'ky', 'lt')").collectAsList();
    assertTrue(known.size() >= 4, known.toString());
    for (Row row : known) {
      assertEquals(row.<String>getAs("expected"), row.<String>getAs("language"), row.toString());
    }
    JsonNode rec = record(out, "langid");
    assertEquals(1, rec.path("bad_rows").path("count").asLong());
    assertTrue(
        rec.path("bad_rows").path("first").get(0).asText().endsWith("docs.jsonl:41"),
        rec.toString());
    assertTrue(s3.exists(new org.apache.hadoop.fs.Path(out + "/_corral/bad-rows")));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void lmTrainReadsTextFromABucketAndWritesTheSameModelAsFromLocalText() throws Exception {
    List<String> dutch = new ArrayList<>();
    for (String line : Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f[1].equals("nl")) {
        dutch.add(f[2]);
      }
    }
    Path text = tmp.resolve("nl.txt");
    Files.write(text, dutch, StandardCharsets.UTF_8);
    upload(text, TEXTS, "nl.txt");
    String args = "lm train --input %s --output %s --order 3 --tokenizer whitespace";
    CommandLineTest.Result local = CommandLineTest.cli(args, text, tmp.resolve("local.arpa"));
    assertEquals(0, local.code(), local.err());
    CommandLineTest.Result r =
        CommandLineTest.cli(args, "s3a://texts/nl.txt", tmp.resolve("s3.arpa"));
    assertEquals(0, r.code(), r.err());
    assertEquals(
        Files.readString(tmp.resolve("local.arpa")), Files.readString(tmp.resolve("s3.arpa")));
  }

  // ------------------------------------------------------------------ scoring, stopped and resumed

  @Test
  void aScoringRunStoppedHalfWayOnABucketResumesFromItsCommittedChunks() throws Exception {
    // Four input files, each its own partition (Spark would pack two tiny files into one), so four
    // Delta commits at one partition per commit.
    System.setProperty("spark.sql.files.maxPartitionBytes", "1024");
    Path in = Files.createDirectories(tmp.resolve("texts"));
    int rows = 0;
    for (int f = 0; f < 4; f++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 3; i++, rows++) {
        lines.add("{\"id\": " + rows + ", \"text\": \"Line " + rows + " of the input.\"}");
      }
      Files.write(in.resolve("part-" + f + ".jsonl"), lines, StandardCharsets.UTF_8);
    }
    upload(in, "texts");
    // The checkpoint's files (not the fixture's GGUF copy), in a folder of the bucket.
    for (String file :
        List.of("config.json", "generation_config.json", "model.safetensors", "tokenizer.json")) {
      upload(InferenceJobsTest.TINY.resolve(file), "models/llama-tiny/" + file);
    }
    String out = s3a("scored");
    String args =
        "score --model %s --input %s --output %s --partitions-per-commit 1 --progress-seconds 0";

    // The first run is stopped (its Spark job cancelled, as a lost driver would leave it) once two
    // chunks are committed to its staging table in the bucket.
    System.setProperty("spark.extraListeners", StopAfterTwoCommits.class.getName());
    CommandLineTest.Result stopped =
        CommandLineTest.cli(args, s3a("models/llama-tiny"), s3a("texts"), out);
    assertNotEquals(0, stopped.code(), stopped.err());
    assertFalse(s3.exists(new org.apache.hadoop.fs.Path(out)), "nothing committed");
    assertEquals(1, leftovers().size(), "the staging table is kept: " + leftovers());
    System.clearProperty("spark.extraListeners");
    TestSpark.stopActive();

    CommandLineTest.Result resumed =
        CommandLineTest.cli(args, s3a("models/llama-tiny"), s3a("texts"), out);
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resuming the run that was stopped"), resumed.err());
    JsonNode rec = record(out, "score");
    assertEquals(4, rec.path("stats").path("commits").asLong(), rec.toString());
    long skipped = rec.path("stats").path("commits_resumed").asLong();
    assertTrue(skipped >= 2 && skipped < 4, "resumed after " + skipped + " chunks");
    Dataset<Row> scored = delta(out);
    assertEquals(rows, scored.count());
    assertEquals(rows, scored.select("id").distinct().count());
    assertEquals(0, scored.filter("error is not null or perplexity is null").count());
    assertEquals(List.of(), leftovers());

    CommandLineTest.Result again =
        CommandLineTest.cli(args, s3a("models/llama-tiny"), s3a("texts"), out);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("is already written by this run"), again.err());
  }

  /**
   * Once the staging table of {@code scored} holds two commits (versions 0 and 1), cancels every
   * Spark job of the write phase that starts: Delta's own jobs after a commit may fail quietly, the
   * next chunk's write may not, so the run stops with two or three chunks committed to staging and
   * nothing committed to the output.
   */
  public static final class StopAfterTwoCommits extends SparkListener {
    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String description = start.properties().getProperty("spark.job.description", "");
      if (!description.endsWith(": write")) {
        return;
      }
      try {
        FileStatus[] second =
            s3.globStatus(
                new org.apache.hadoop.fs.Path(
                    s3a(".corral-staging-scored-*/_delta_log/00000000000000000001.json")));
        if (second != null && second.length > 0) {
          SparkContext.getOrCreate().cancelJob(start.jobId());
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
