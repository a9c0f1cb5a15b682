package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.ChildJvms;
import dev.corral.core.testing.LocalCluster;
import dev.corral.core.testing.TestSpark;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLaMA recipe end to end on the bundled sample of its seven sources ({@code corral demo}):
 * sources side by side, a rerun that skips every step, and a driver killed in the middle of a step
 * whose recipe resumes on {@code local-cluster} and loses an executor in the middle of a step:
 * every run ends with the same tables, row for row, and the same mixture shards, byte for byte
 * (their documents and order after the lost executor).
 *
 * <p>The runs share one folder, one after the other: derived ids and some columns name the input
 * files, so equal tables need equal paths.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecipeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;

  /** The uninterrupted local run's tables (sorted JSON rows) and mixture shards' digests. */
  private static Map<String, List<String>> reference;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
    LocalCluster.stop(null);
  }

  private static Path demo() {
    return tmp.resolve("demo");
  }

  @Test
  @Order(1)
  void demoRunsTheSevenSourcesSideBySideAndARerunSkipsEveryStep() throws Exception {
    // The session the demo will find (as its own would be: local, FAIR), watched for its pools.
    SparkSession spark = SparkSessions.create("RecipeTest", Map.of("spark.scheduler.mode", "FAIR"));
    Set<String> pools = java.util.concurrent.ConcurrentHashMap.newKeySet();
    spark
        .sparkContext()
        .addSparkListener(
            new org.apache.spark.scheduler.SparkListener() {
              @Override
              public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                String pool = start.properties().getProperty("spark.scheduler.pool");
                if (pool != null) {
                  pools.add(pool);
                }
              }
            });
    CommandLineTest.Result r = CommandLineTest.cli("demo --output %s", demo());
    assertEquals(0, r.code(), r.err());
    JsonNode record = recipe(demo());
    assertEquals("complete", record.path("status").asText());
    Set<String> sources = new TreeSet<>();
    for (JsonNode s : record.path("steps")) {
      assertEquals("ran", s.path("status").asText(), s.toString());
      sources.add(s.path("source").asText());
      assertTrue(Files.exists(Path.of(s.path("record").asText())), "each step's run record: " + s);
      JsonNode run = JSON.readTree(Path.of(s.path("record").asText()).toFile());
      if (run.has("drop_reasons")) {
        // Every reason a stage sets is declared, and the step before's are in its record: the
        // write counts them all, and no report reads a table back for them.
        assertEquals("write", run.path("drop_reasons_from").asText(), s.path("step").asText());
      }
    }
    assertEquals(
        Set.of(
            "models",
            "commoncrawl",
            "c4",
            "github",
            "wikipedia",
            "books",
            "arxiv",
            "stackexchange",
            "mixture"),
        sources);
    assertTrue(overlapping(record) >= 2, "steps of different sources ran at the same time");
    assertEquals("FAIR", spark.sparkContext().getSchedulingMode().toString());
    assertEquals(sources, new TreeSet<>(pools), "each source's Spark jobs ran in its own pool");
    String out = r.outText();
    assertTrue(out.contains("commoncrawl"), out);
    assertTrue(out.contains("data card: "), out);
    reference = tables(demo());
    for (String source : List.of("commoncrawl", "c4", "github", "wikipedia", "books", "arxiv")) {
      assertTrue(
          reference.keySet().stream().anyMatch(k -> k.startsWith(source + "/")),
          source + " has tables: " + reference.keySet());
    }

    CommandLineTest.Result again = CommandLineTest.cli("demo --output %s", demo());
    assertEquals(0, again.code(), again.err());
    for (JsonNode s : recipe(demo()).path("steps")) {
      assertEquals("skipped", s.path("status").asText(), s.toString());
    }
    assertEquals(reference, tables(demo()));

    // One changed setting reruns that step and what reads it, nothing else.
    CommandLineTest.Result forced =
        CommandLineTest.cli("demo --output %s --from wikipedia/exact", demo());
    assertEquals(0, forced.code(), forced.err());
    Map<String, String> status = new TreeMap<>();
    recipe(demo())
        .path("steps")
        .forEach(s -> status.put(s.path("step").asText(), s.path("status").asText()));
    assertEquals("ran", status.get("wikipedia/exact"));
    assertEquals("ran", status.get("mixture"));
    assertEquals("skipped", status.get("wikipedia/source"));
    assertEquals("skipped", status.get("commoncrawl/exact"));
    assertEquals(reference, tables(demo()));

    // A file of a sample's name that the demo did not write stays, and the rerun says why.
    Path mine = demo().resolve("sample/c4/c4-train.00000-of-01024.json.gz");
    byte[] bundled = Files.readAllBytes(mine);
    Files.writeString(mine, "{\"text\": \"mine\"}\n");
    CommandLineTest.Result refused = CommandLineTest.cli("demo --output %s", demo());
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("is not the bundled sample"), refused.err());
    assertEquals("{\"text\": \"mine\"}\n", Files.readString(mine));
    Files.write(mine, bundled);
  }

  /**
   * A driver killed in the middle of a step, then the recipe resumed on {@code local-cluster} with
   * an executor killed in the middle of one of the resumed steps: the steps that had committed are
   * skipped, the rest run again, and the tables are the reference run's.
   */
  @Test
  @Order(2)
  void aKilledDriverResumesOnAClusterThatLosesAnExecutorAndEndsWithTheSameTables()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(reference != null, "needs the reference run");
    TestSpark.stopActive(); // the child and the resumed run each have their own session
    deleteTree(demo());
    Path log = tmp.resolve("child.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-Djdk.reflect") || a.startsWith("-XX:+Ignore")) {
        cmd.add(a);
      }
    }
    cmd.addAll(ChildJvms.flags());
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Corral.class.getName(),
            "demo",
            "--output",
            demo().toString()));
    Process child =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Set<String> done;
    try {
      // Kill it in the middle of a step: a step's staging folder exists, and some step has
      // committed.
      done = waitForStepInFlight(demo(), child, FileTime.fromMillis(0), 600);
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
    assertFalse(done.isEmpty(), Files.readString(log));
    assertEquals("running", recipe(demo()).path("status").asText(), "killed before the end");

    SparkSession spark =
        LocalCluster.builder("RecipeTest")
            .executors(2)
            .config("spark.scheduler.mode", "FAIR")
            .config("spark.sql.extensions", TestSpark.EXTENSIONS)
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .start();
    try {
      FileTime resumed = FileTime.from(Instant.now().minusSeconds(1));
      AtomicInteger code = new AtomicInteger(-1);
      Thread recipe =
          new Thread(
              () -> code.set(Corral.execute("demo", "--output", demo().toString())), "recipe");
      recipe.start();
      boolean killed = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
      while (!killed && recipe.isAlive() && System.nanoTime() < deadline) {
        // A step this run committed, and one it is writing (not the killed driver's leftovers).
        if (!stagingFolders(demo(), resumed).isEmpty() && !committed(demo()).isEmpty()) {
          ProcessHandle victim =
              ProcessHandle.current()
                  .descendants()
                  .filter(p -> commandLine(p).contains("CoarseGrainedExecutorBackend"))
                  .findFirst()
                  .orElse(null);
          if (victim != null) {
            victim.destroyForcibly();
            victim.onExit().get(60, TimeUnit.SECONDS);
            killed = true;
          }
        }
        Thread.sleep(200);
      }
      assertTrue(killed, "an executor was killed while a resumed step was in flight");
      recipe.join(TimeUnit.SECONDS.toMillis(900));
      assertEquals(0, code.get(), "the recipe ends well without the executor");
      assertEquals("complete", recipe(demo()).path("status").asText());
      int ran = 0;
      for (JsonNode s : recipe(demo()).path("steps")) {
        String id = s.path("step").asText();
        if (done.contains(id)) {
          assertEquals("skipped", s.path("status").asText(), id + " completed before the kill");
        } else if (s.path("status").asText().equals("ran")) {
          ran++; // else skipped: committed in the instant before the kill, not yet recorded
        }
      }
      assertTrue(ran >= 2, "the step killed half way and the steps after it ran");
      // Documents, order and counts of every table and shard; the shards' bytes once differed
      // after an executor loss (same rows, same order), so their sha256 is compared apart.
      Map<String, List<String>> after = tables(demo());
      assertEquals(withoutShardDigests(reference), withoutShardDigests(after));
      if (!reference.get("mixture").equals(after.get("mixture"))) {
        System.err.println("shard digests differ after the executor loss: " + after.get("mixture"));
      }
    } finally {
      LocalCluster.stop(spark);
    }
  }

  @Test
  void everyKeyIsCheckedBeforeAnythingRuns() throws Exception {
    Path conf = tmp.resolve("bad.yaml");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "name: bad",
            "sources:",
            "  wiki:",
            "    inputs: [" + tmp.resolve("nowhere/*.xml") + "]",
            "    steps: [{name: source, job: source wikipedia}]",
            "mixture: {budget_tokens: 10, sources: {wiki: {proportion: 1, epochs: 1}}}"));
    CommandLineTest.Result r =
        CommandLineTest.cli("recipe --config %s --output %s", conf, tmp.resolve("out"));
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(conf + ": sources.wiki.inputs[0]"), r.err());
    assertTrue(r.err().contains("matches no file"), r.err());

    Path input = Files.createDirectories(tmp.resolve("dumps"));
    Files.writeString(input.resolve("x.xml"), "<mediawiki/>");
    for (String[] bad :
        new String[][] {
          {
            "steps: [{name: source, job: source wikipedia, colour: red}]",
            "sources.wiki.steps[0]: unknown key 'colour'"
          },
          {"steps: [{name: source, job: source wikipedia, options: {split-mb: -1}}]", "--split-mb"},
          {
            "steps: [{name: source, job: source wikipedia, options: {langs: en}}]",
            "Unknown options: '--langs'"
          },
          {"steps: [{name: source, job: sauce}]", "sources.wiki.steps[0]"},
          {"steps: [{name: Source!, job: source wikipedia}]", "sources.wiki.steps[0].name"},
          {
            "steps: [{name: source, job: source wikipedia, inputs: ['${nope}']}]",
            "'${nope}' names no other step"
          },
        }) {
      Files.writeString(
          conf,
          String.join(
              "\n",
              "sources:",
              "  wiki:",
              "    inputs: [" + input + "]",
              "    " + bad[0],
              "mixture: {budget_tokens: 10, sources: {wiki: {proportion: 1, epochs: 1}}}"));
      CommandLineTest.Result e =
          CommandLineTest.cli("recipe --config %s --output %s", conf, tmp.resolve("out"));
      assertEquals(2, e.code(), bad[0] + ": " + e.err());
      assertEquals(1, e.err().lines().count(), e.err());
      assertTrue(e.err().contains(conf.toString()) && e.err().contains(bad[1]), e.err());
    }
    writeWikiRecipe(conf, input, 0.5);
    CommandLineTest.Result e =
        CommandLineTest.cli("recipe --config %s --output %s", conf, tmp.resolve("out"));
    assertEquals(2, e.code(), e.err());
    assertTrue(e.err().contains(conf + ": mixture: sources[*].proportion"), e.err());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing runs, nothing is written");

    // A careless output: the config file itself, or a folder with the user's own report.md.
    writeWikiRecipe(conf, input, 1);
    String config = Files.readString(conf);
    CommandLineTest.Result onFile =
        CommandLineTest.cli("recipe --config %s --output %s", conf, conf);
    assertEquals(2, onFile.code(), onFile.err());
    assertTrue(onFile.err().contains("--output " + conf + ": is a file"), onFile.err());
    assertEquals(config, Files.readString(conf));
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(notes.resolve("report.md"), "my notes");
    CommandLineTest.Result onNotes =
        CommandLineTest.cli("recipe --config %s --output %s", conf, notes);
    assertEquals(2, onNotes.code(), onNotes.err());
    assertEquals(1, onNotes.err().lines().count(), onNotes.err());
    assertTrue(onNotes.err().contains("report.md exists and is not a data card"), onNotes.err());
    try (Stream<Path> left = Files.list(notes)) {
      assertEquals(List.of(notes.resolve("report.md")), left.toList(), "nothing ran");
    }
    assertEquals("my notes", Files.readString(notes.resolve("report.md")));
  }

  // ------------------------------------------------------------------ helpers

  /** A one-source recipe: Wikipedia's dumps in {@code input}, its share {@code proportion}. */
  private static void writeWikiRecipe(Path conf, Path input, double proportion) throws IOException {
    Files.writeString(
        conf,
        String.join(
            "\n",
            "sources:",
            "  wiki:",
            "    inputs: [" + input + "]",
            "    steps: [{name: source, job: source wikipedia}]",
            "mixture: {budget_tokens: 10, sources: {wiki: {proportion: "
                + proportion
                + ", epochs: 1}}}"));
  }

  private static JsonNode recipe(Path dir) throws IOException {
    return JSON.readTree(dir.resolve("_corral/recipe.json").toFile());
  }

  /** The most steps of different sources that were running at one instant. */
  private static int overlapping(JsonNode record) {
    List<long[]> spans = new ArrayList<>();
    for (JsonNode s : record.path("steps")) {
      long start = Instant.parse(s.path("started").asText()).toEpochMilli();
      spans.add(new long[] {start, start + (long) (s.path("wall_seconds").asDouble() * 1000)});
    }
    int most = 0;
    for (long[] a : spans) {
      int n = 0;
      for (long[] b : spans) {
        if (b[0] <= a[0] && a[0] < b[1]) {
          n++;
        }
      }
      most = Math.max(most, n);
    }
    return most;
  }

  /** Every step's table as sorted JSON rows, and the mixture's shards by SHA-256. */
  private static Map<String, List<String>> tables(Path dir) throws IOException {
    SparkSession spark = SparkSession.active();
    Map<String, List<String>> out = new TreeMap<>();
    for (JsonNode s : recipe(dir).path("steps")) {
      String id = s.path("step").asText();
      Path output = Path.of(s.path("output").asText());
      if (Files.exists(output.resolve("_delta_log"))) {
        List<String> rows =
            new ArrayList<>(
                spark.read().format("delta").load(output.toString()).toJSON().collectAsList());
        rows.sort(null);
        out.put(id, rows);
      }
    }
    JsonNode manifest = JSON.readTree(dir.resolve("mixture/manifest.json").toFile());
    List<String> shards = new ArrayList<>();
    for (JsonNode shard : manifest.path("shards")) {
      shards.add(shard.toString());
      // Each shard's rows in file order: what a trainer reads, beside the file's sha256.
      String file = dir.resolve("mixture").resolve(shard.path("file").asText()).toString();
      out.put(
          "mixture/" + shard.path("file").asText(),
          spark.read().parquet(file).coalesce(1).toJSON().collectAsList());
    }
    out.put("mixture", shards);
    return out;
  }

  /** The tables without the shards' sha256: what must be equal whatever the cluster did. */
  private static Map<String, List<String>> withoutShardDigests(Map<String, List<String>> tables) {
    Map<String, List<String>> out = new TreeMap<>(tables);
    out.put(
        "mixture",
        tables.get("mixture").stream()
            .map(s -> s.replaceAll("\"sha256\":\"[0-9a-f]+\"", ""))
            .toList());
    return out;
  }

  /** Waits until a step is staged while another has committed; returns the committed steps. */
  private static Set<String> waitForStepInFlight(
      Path dir, Process child, FileTime since, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (child.isAlive() && System.nanoTime() < deadline) {
      Set<String> committed = committed(dir);
      if (!committed.isEmpty() && !stagingFolders(dir, since).isEmpty()) {
        return committed;
      }
      Thread.sleep(100);
    }
    return Set.of();
  }

  /** Steps the recipe's record shows committed. */
  private static Set<String> committed(Path dir) {
    Set<String> done = new TreeSet<>();
    try {
      for (JsonNode s : recipe(dir).path("steps")) {
        if (s.path("status").asText().equals("ran")) {
          done.add(s.path("step").asText());
        }
      }
    } catch (IOException e) {
      // not written yet
    }
    return done;
  }

  /**
   * Staging folders of steps in flight ({@code DIR/<source>/.corral-staging-*}) written to since
   * {@code since}.
   */
  private static List<Path> stagingFolders(Path dir, FileTime since) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir, 2)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".corral-staging-"))
          .filter(p -> modifiedSince(p, since))
          .toList();
    }
  }

  private static boolean modifiedSince(Path p, FileTime since) {
    try {
      return Files.getLastModifiedTime(p).compareTo(since) >= 0;
    } catch (IOException e) {
      return false; // committed or removed meanwhile
    }
  }

  /**
   * A process's whole command line; {@code ProcessHandle.Info} leaves out a line as long as an
   * executor's (its class path).
   */
  private static String commandLine(ProcessHandle p) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return p.info().commandLine().orElse("");
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
