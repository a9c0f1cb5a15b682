package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code corral plan} is honest: it plans a recipe from 1.6 MB samples, then the recipe runs on the
 * whole input (25 times the sample); each step's rows and bytes are within 20% of the plan, its
 * wall time within a factor of 3, and the steps' wall time in all within 50% (the goal, each step
 * within 35%, is met in most runs on 2 cores, not all: BENCHMARKS.md).
 */
class PlanTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  @Test
  void thePlanForeseesWhatTheRecipeCosts() throws Exception {
    Path input = tmp.resolve("c4");
    long bytes = writeC4LikeInput(input, 20, 2_000_000);
    Path config = tmp.resolve("recipe.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "name: plan-test",
            "sources:",
            "  c4:",
            "    inputs: [" + input + "]",
            "    steps:",
            "      - name: filters",
            "        stages:",
            "          - {stage: LanguageIdentifier}",
            "          - {stage: C4Filter}",
            "      - name: exact",
            "        stages:",
            "          - {stage: ExactDeduplicator, params: {idCol: url}}",
            "mixture:",
            "  seed: 1",
            "  budget_tokens: 4000000",
            "  output: {shards: 2, formats: [parquet]}",
            "  sources:",
            "    c4: {proportion: 1.0, epochs: 1.0}",
            ""));
    Path planJson = tmp.resolve("plan.json");
    CommandLineTest.Result plan =
        CommandLineTest.cli(
            "plan --config %s --sample-mb 1.6 --rounds 2 --cores %s --json %s",
            config, Runtime.getRuntime().availableProcessors(), planJson);
    assertEquals(0, plan.code(), plan.err());
    assertTrue(plan.outText().contains("total:"), plan.outText());
    JsonNode planned = JSON.readTree(planJson.toFile());
    double scale = planned.path("sources").path("c4").path("scale").asDouble();
    assertTrue(scale >= 20 && scale <= 50, "the input is 20-50x the sample: " + scale);
    assertEquals(bytes, planned.path("sources").path("c4").path("input_bytes").asLong());
    JsonNode filters = planned.path("steps").get(0);
    assertEquals("c4/filters", filters.path("step").asText());
    assertEquals(20, filters.path("input_files").asLong(), "the source's files, not the sample's");
    JsonNode wide = filters.path("sample_runs").path("wide");
    assertTrue(
        wide.path("input_files").asInt()
            > filters.path("sample_runs").path("large").path("input_files").asInt(),
        "the wide sample reads more files: " + filters.path("sample_runs"));

    Path out = tmp.resolve("out");
    CommandLineTest.Result run =
        CommandLineTest.cli("recipe --config %s --output %s --threads 1", config, out);
    assertEquals(0, run.code(), run.err());
    JsonNode actual = JSON.readTree(out.resolve("_corral/recipe.json").toFile());
    JsonNode manifest = JSON.readTree(out.resolve("mixture/manifest.json").toFile());
    StringBuilder table = new StringBuilder("step: planned vs actual wall s, rows, disk bytes\n");
    List<String> misses = new ArrayList<>();
    double totalPlanned = 0;
    double actualWall = 0;
    for (JsonNode step : actual.path("steps")) {
      String id = step.path("step").asText();
      JsonNode p = null;
      for (JsonNode s : planned.path("steps")) {
        if (s.path("step").asText().equals(id)) {
          p = s;
        }
      }
      assertTrue(p != null, "the plan has step " + id);
      double wall = step.path("wall_seconds").asDouble();
      // The recipe runs in this JVM, which the plan has warmed: no step's first use is in it.
      double plannedWall =
          p.path("wall_seconds").asDouble() - p.path("first_use_seconds").asDouble();
      long rows = id.equals("mixture") ? documents(manifest) : step.path("rows_written").asLong();
      long disk = folderBytes(Path.of(step.path("output").asText()));
      table.append(
          String.format(
              Locale.ROOT,
              "%s: %.1f vs %.1f, %d vs %d, %d vs %d%n",
              id,
              plannedWall,
              wall,
              p.path("rows").asLong(),
              rows,
              p.path("disk_bytes").asLong(),
              disk));
      table.append("  sample runs: ").append(p.path("sample_runs")).append('\n');
      if (Files.isRegularFile(Path.of(step.path("record").asText()))) {
        table
            .append("  actual: ")
            .append(JSON.readTree(Path.of(step.path("record").asText()).toFile()).path("timings"))
            .append('\n');
      }
      totalPlanned += plannedWall;
      actualWall += wall;
      within(misses, id + " rows", p.path("rows").asLong(), rows, 0.20);
      within(misses, id + " disk", p.path("disk_bytes").asLong(), disk, 0.20);
      if (plannedWall > 3 * wall || wall > 3 * plannedWall) {
        misses.add(
            String.format(
                Locale.ROOT, "%s wall: planned %.1f, actual %.1f", id, plannedWall, wall));
      }
    }
    // A step of a second or two on the samples is mostly noise on 2 shared cores, and the exact
    // dedup's GC grows faster than its input (the worst seen: a step 2.67x off, a total -40%), so
    // each step is held to a factor of 3 and their sum to 50%.
    within(misses, "total wall", totalPlanned, actualWall, 0.50);
    System.out.print(table);
    assertTrue(misses.isEmpty(), misses + "\n" + table);
  }

  @Test
  void carelessPlansAreRefusedBeforeAnythingRuns() throws Exception {
    Path config = tmp.resolve("bad.yaml");
    Files.writeString(config, "name: x\nsources: {c4: {inputs: [" + tmp.resolve("none") + "]}}\n");
    CommandLineTest.Result missing = CommandLineTest.cli("plan --config %s", config);
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("matches no file"), missing.err());

    Files.writeString(tmp.resolve("keep.txt"), "mine");
    CommandLineTest.Result work =
        CommandLineTest.cli(
            "plan --config %s --work %s",
            Path.of("src/main/resources/dev/corral/jobs/demo/recipe.yaml").toAbsolutePath(), tmp);
    assertEquals(2, work.code(), work.err());
    assertTrue(work.err().contains("--work"), work.err());
    assertEquals("mine", Files.readString(tmp.resolve("keep.txt")));

    String recipeText = Files.readString(config);
    CommandLineTest.Result overConfig =
        CommandLineTest.cli("plan --config %s --json %s", config, config);
    assertEquals(2, overConfig.code(), overConfig.err());
    assertTrue(overConfig.err().contains("--json"), overConfig.err());
    assertEquals(recipeText, Files.readString(config), "the recipe is left as it was");

    CommandLineTest.Result sample = CommandLineTest.cli("plan --config %s --sample-mb 0", config);
    assertEquals(2, sample.code(), sample.err());
    assertTrue(sample.err().contains("--sample-mb"), sample.err());
  }

  private static void within(
      List<String> misses, String what, double planned, double actual, double tolerance) {
    if (Math.abs(planned - actual) > tolerance * actual) {
      misses.add(
          String.format(Locale.ROOT, "%s: planned %.1f, actual %.1f", what, planned, actual));
    }
  }

  private static long documents(JsonNode manifest) {
    long n = 0;
    for (JsonNode s : manifest.path("sources")) {
      n += s.path("documents").asLong();
    }
    return n;
  }

  private static long folderBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /**
   * {@code files} gzipped JSON Lines files of about {@code bytesPerFile} compressed bytes each, of
   * English-like documents (words drawn from the bundled Moby-Dick excerpt), 5% of them exact
   * copies of an earlier one; returns their total size.
   */
  static long writeC4LikeInput(Path dir, int files, long bytesPerFile) throws IOException {
    String book;
    try (InputStream in =
        PlanTest.class.getResourceAsStream(
            "/dev/corral/jobs/demo/sources/books/gutenberg/2701.txt")) {
      book = new String(in.readAllBytes(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
    TreeSet<String> vocabulary = new TreeSet<>();
    for (String w : book.split("[^a-z]+")) {
      if (w.length() > 1) {
        vocabulary.add(w);
      }
    }
    String[] words = vocabulary.toArray(new String[0]);
    Random random = new Random(7);
    List<String> written = new ArrayList<>();
    Files.createDirectories(dir);
    long total = 0;
    for (int f = 0; f < files; f++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "c4-train.%05d-of-01024.json.gz", f));
      try (var counting = Files.newOutputStream(file);
          BufferedWriter w =
              new BufferedWriter(
                  new OutputStreamWriter(new GZIPOutputStream(counting), StandardCharsets.UTF_8))) {
        for (int d = 0; Files.size(file) < bytesPerFile; d++) {
          String text;
          if (!written.isEmpty() && random.nextDouble() < 0.05) {
            text = written.get(random.nextInt(written.size()));
          } else {
            StringBuilder doc = new StringBuilder();
            int lines = 4 + random.nextInt(11);
            for (int l = 0; l < lines; l++) {
              int n = 8 + random.nextInt(15);
              StringBuilder line = new StringBuilder();
              for (int i = 0; i < n; i++) {
                line.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
              }
              line.setCharAt(0, Character.toUpperCase(line.charAt(0)));
              doc.append(l == 0 ? "" : "\\n").append(line).append('.');
            }
            text = doc.toString();
            if (written.size() < 2000) {
              written.add(text);
            } else {
              written.set(random.nextInt(written.size()), text);
            }
          }
          w.write(
              "{\"text\": \""
                  + text
                  + "\", \"timestamp\": \"2019-04-01T10:00:00Z\", \"url\": \"https://example-"
                  + f
                  + "-"
                  + d
                  + ".com/\"}\n");
          if (d % 200 == 199) {
            w.flush();
          }
        }
      }
      total += Files.size(file);
    }
    return total;
  }
}
